from orchestration.tools.document_marts import OUTPUT, render


def test_feeds_and_marts_doc_is_up_to_date():
    assert OUTPUT.read_text(encoding="utf-8") == render(), (
        "docs/feeds_and_marts.md is stale: run python -m orchestration.tools.document_marts"
    )


def test_doc_names_every_published_mart():
    text = render()
    for mart in ["whole_place_budget", "pooled_budget", "settlement_checks"]:
        assert f"### `{mart}`" in text
