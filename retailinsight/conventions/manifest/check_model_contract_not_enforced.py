"""House check for dbt-bouncer (loaded through `custom_checks_dir` in dbt-bouncer.yml).

dbt-bouncer checks that a model has an enforced contract, not that it has none: this one fails
a building block (a private model, read only within its group) that declares a contract, since
its columns are free to change with the models that read it.
"""

from dbt_bouncer.check_framework.decorator import check, fail
from dbt_bouncer.utils import get_clean_model_name


@check
def check_model_contract_not_enforced(model):
    """Models must not have an enforced contract (building blocks: staging, intermediate)."""
    contrat = getattr(model, "contract", None)
    if contrat is not None and getattr(contrat, "enforced", False) is True:
        fail(f"`{get_clean_model_name(model.unique_id)}` has an enforced contract: a building "
             "block has none (contracts are for the public models that someone reads).")
