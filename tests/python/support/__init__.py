"""The test suite's support code, one module per concern (`conftest.py` keeps only the
fixtures and hooks):

    chemins               the project, its bundled sample, the real dataset, the real dbt
    analyse_dbt           dbt's saved parse state, shared by the run's dbt commands
    commandes             dbt and the product's modules run as a user runs them
    partage               what the run's pytest-xdist workers build once and share
    lecture               raw exports and warehouses read independently of dbt
    projet                a fresh copy of the project, a user's shell, a clean output
    processus             processes seen from /proc
    dossiers_utilisateur  the user's folders, fingerprinted to prove a run left them alone
    ordre                 the order that balances the long tests over the workers
"""
