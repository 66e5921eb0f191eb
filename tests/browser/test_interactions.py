"""A supervisor imports 200 help-desk interactions with transcripts, sets a sampling plan, and works the
review queue: the transcript stands beside the scorecard, and the audited item leaves the queue."""
import re
from datetime import datetime, timezone

from playwright.sync_api import expect

from tests.browser.conftest import screenshot

KEY_ACCOUNTS = ["marta@example.com", "rizky@example.com", "emily@example.com", "kamil@example.com"]


def _export_csv(rows: int = 200) -> bytes:
    today = datetime.now(timezone.utc).date().isoformat()
    lines = ["external_id,staff_email,channel,started_at,customer_ref,relationship,transcript"]
    for n in range(1, rows + 1):
        lines.append(f'KA-{n},{KEY_ACCOUNTS[n % 4]},{"email" if n % 2 else "phone"},{today}T00:{n % 60:02d}:00Z,'
                     f'ACC-{n},b2b,"[00:{n % 60:02d}] customer: Order {n} arrived damaged.\n'
                     f'agent: I am sorry — I will send a replacement today."')
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_import_plan_and_work_the_queue_with_the_transcript_beside_the_scorecard(page, log_in):
    log_in("grace@example.com")
    page.goto("/interactions/import")
    page.locator('input[name="file"]').set_input_files(
        {"name": "desk-export.csv", "mimeType": "text/csv", "buffer": _export_csv()})
    page.get_by_role("button", name="Import interactions").click()
    page.wait_for_url("**/interactions/")
    expect(page.locator(".flash-success")).to_contain_text("200")

    page.goto("/interactions/plans")
    page.locator('select[name="team"]').select_option(label="Key accounts")
    options = page.locator('select[name="standard"] option').all_inner_texts()
    b2b = next(i for i, text in enumerate(options) if "B2B" in text or "business" in text.lower())
    page.locator('select[name="standard"]').select_option(index=b2b)
    page.locator('input[name="per_staff"]').fill("2")
    page.get_by_role("button", name="Save the plan").click()
    page.wait_for_url(re.compile(r".*/interactions/plans/\d+$"))
    page.get_by_role("button", name="Draw this period").click()
    page.wait_for_url(re.compile(r".*/interactions/plans/\d+$"))
    expect(page.locator(".flash-success")).to_contain_text("8 interactions drawn")
    screenshot(page, "sampling-plan-en")

    page.goto("/interactions/queue")
    audit_links = page.locator("a.button", has_text="Audit")
    waiting = audit_links.count()
    assert waiting >= 1
    audit_links.first.click()
    page.wait_for_url(re.compile(r".*/audits/new\?interaction=\d+"))
    transcript = page.locator(".audit-transcript .messages")
    expect(page.locator(".audit-transcript .message").nth(1)).to_be_attached()  # the drawn interaction's conversation
    scorecard, column = page.locator(".audit-scorecard").bounding_box(), transcript.bounding_box()
    assert scorecard["x"] > column["x"] + column["width"] - 1  # beside it, not below, at 1280 px
    screenshot(page, "audit-with-transcript-en")
    for radio in page.locator('input[type=radio][value="met"]').all():
        radio.check()
    page.get_by_role("button", name="Record audit").click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    page.goto("/interactions/queue")
    expect(page.locator("a.button", has_text="Audit")).to_have_count(waiting - 1)

    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("a.button", has_text="Audit").first.click()
    transcript_box = page.locator(".audit-transcript .messages").bounding_box()
    scorecard_box = page.locator(".audit-scorecard").bounding_box()
    assert scorecard_box["y"] >= transcript_box["y"] + transcript_box["height"] - 1  # below it on a phone
    screenshot(page, "audit-with-transcript-phone")
