"""Contract tests this team writes about its own scoring script, with score-contract's fixture and strategies: the
script runs as the official server runs it (its own worker, the server's import, init() once, the response the
server would send), not imported by hand.

    pytest examples/team-tests
"""

from pathlib import Path

import pytest
from hypothesis import given, settings

from score_contract import assert_answer, assert_matches_output_contract, assert_strict_json, bodies

SCORE = Path(__file__).parent / "score.py"


@pytest.fixture
def client(score_script):
    # Its model folder comes from the score-contract.toml beside it, as for the gate.
    return score_script(SCORE)


def test_a_customer_with_no_income_is_high_risk(client):
    answer = client.run({"data": [{"income": 0, "age": 30}]})
    assert answer.status == 200
    assert answer.json()["risk"] == ["high"]


def test_a_well_paid_customer_is_low_risk_with_the_expected_probabilities(client):
    answer = client.run({"data": [{"income": 100000, "age": 60}]})
    assert_answer(answer, {"risk": ["low"], "probabilities": [[0.973403, 0.026597]], "messages": ["Low risk"]})


def test_the_german_locale_keeps_its_umlauts(client):
    answer = client.run({"data": [{"income": 0, "age": 30}], "locale": "de"})
    assert answer.json()["messages"] == ["Hohes Ausfallrisiko: Prüfung nötig"]
    # On the wire as the server's json.dumps writes it: ASCII, with \u escapes that every JSON client decodes.
    assert b"Pr\\u00fcfung" in answer.content


def test_an_unknown_locale_is_a_server_error_with_the_scripts_traceback(client):
    answer = client.run({"data": [{"income": 0, "age": 30}], "locale": "fr"})
    assert answer.status == 500
    assert answer.error is not None and answer.error.type_name == "KeyError"


@settings(max_examples=40, deadline=None)
@given(body=bodies(SCORE))
def test_probabilities_sum_to_one_for_any_valid_body(score_script, body):
    answer = score_script(SCORE).run(body)
    result = assert_strict_json(answer)
    assert_matches_output_contract(answer, score_script(SCORE))
    for low, high in result["probabilities"]:
        assert low + high == pytest.approx(1.0, abs=1e-6)


def test_the_official_server_answers_as_the_client_does(score_script):
    served = score_script(SCORE, server=True)
    body = {"data": [{"income": 52000, "age": 41}]}
    over_http = served.http.post("/score", json=body)
    assert over_http.status_code == 200
    assert over_http.json() == served.run(body).json()
