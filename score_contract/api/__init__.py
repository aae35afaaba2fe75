"""The front door for contract tests that teams write: a client that calls a scoring script exactly as the gate
does (:mod:`.client`), what it answers (:mod:`.answer`), Hypothesis strategies of the script's valid and invalid
bodies (:mod:`.strategies`), and assertions that explain themselves (:mod:`.assertions`). Re-exported by the
package (``from score_contract import bodies, open_script``); the pytest plugin adds the ``score_script`` fixture."""
