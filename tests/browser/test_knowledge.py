"""A supervisor, reading in Polish, finds the step the Front desk knows but does not do, opens the people
behind it and goes to plan coaching; the audit page says why coaching, not retraining."""
from tests.browser.conftest import choose_language, screenshot


def test_front_desk_knows_closing_but_does_not_do_it_in_polish(page, log_in, live_server):
    log_in("grace@example.com")
    choose_language(page, "pl")
    page.goto(f"{live_server}/knowledge/")
    team = page.locator("#k-team")
    team.select_option(team.locator("option", has_text="Front desk").get_attribute("value"))
    standard = page.locator("#k-standard")
    standard.select_option(standard.locator("option", has_text="B2C").get_attribute("value"))
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    assert page.locator("html").get_attribute("lang") == "pl"
    assert page.locator("svg.chart-scatter").is_visible()
    table = page.locator("table.knowledge-table")
    # All four quadrants among the Front desk's people, and `close` a step they know but do not do.
    for cell in ("knows_does", "knows_not_doing", "neither", "does_not_knowing"):
        counts = [int(text) for text in table.locator(f'td[data-cell="{cell}"]').all_inner_texts()]
        assert sum(counts) >= 1, cell
    assert int(table.locator('tr[data-step="close"] td[data-cell="knows_not_doing"]').inner_text()) >= 2
    screenshot(page, "knowledge-team-pl")

    page.locator('a.scatter-point[data-step="close"]').click()
    page.wait_for_load_state()
    rows = page.locator('table.knowledge-people tr[data-cell="knows_not_doing"]')
    assert rows.count() >= 2
    screenshot(page, "knowledge-people-pl")
    rows.first.locator('a[href*="/coaching/new?staff="]').click()
    page.wait_for_load_state()
    assert "/coaching/new" in page.url and page.locator("html").get_attribute("lang") == "pl"

    # The home page lists the coaching bro proposed instead of retraining; its audit says why.
    page.goto(f"{live_server}/")
    proposal = page.locator('ul.coaching-proposals li[data-step="close"]').first
    assert proposal.is_visible()
    proposal.locator('a[href*="/audits/"]').click()
    page.wait_for_load_state()
    assert page.locator('.retraining-decisions li[data-step="close"][data-action="coaching"]').is_visible()
    screenshot(page, "knowledge-audit-decision-pl")
    choose_language(page, "en")
