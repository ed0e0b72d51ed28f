"""House check for dbt-bouncer (loaded through `custom_checks_dir` in dbt-bouncer.yml).

dbt-bouncer has no check on a model's group, which is where dbt keeps a model's owner: this one
fails a model that belongs to no group, or to a group other than the ones its layer allows.
"""

from dbt_bouncer.check_framework.decorator import check, fail
from dbt_bouncer.utils import get_clean_model_name


@check
def check_model_group(model, *, groups: list[str]):
    """Models must belong to one of `groups` (dbt groups carry the owner's name and email).

    Parameters:
        groups (list[str]): Groups allowed for the models the check includes.
    """
    groupe = getattr(model, "group", None)
    if groupe not in groups:
        etat = f"belongs to group `{groupe}`" if groupe else "belongs to no group"
        fail(f"`{get_clean_model_name(model.unique_id)}` {etat}: it should belong to one of "
             f"{groups}, whose owner answers for it (groups are set by folder in dbt_project.yml).")
