from forms import rules


def test_good_filing_has_no_problems(good_filing, at):
    assert rules.validate(good_filing, at=at).problems == []
