"""The pipeline every kind of run goes through, written once: a run's worker process and its replacement after a
death, coverage finishing, the verdicts of the checks every kind shares (the deployment's, the environment's, the
probes', coverage's), and the failure text. A kind of run (online scripts in :mod:`score_contract.online`, batch
scripts in :mod:`score_contract.batch`) plugs into it through :class:`~score_contract.pipeline.kind.Kind`: how its
inputs are made and sent, its checks, its evidence, its failure text."""
