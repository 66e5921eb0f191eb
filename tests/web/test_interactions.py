"""Interactions imported from help-desk, chat and phone exports: all or nothing, deduplicated, with transcripts."""
from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import func, select

from bro.extensions import db
from bro.interactions.operations import import_interactions
from bro.interactions.parsing import InteractionFileError, read_interactions
from bro.models.interactions import Interaction


@pytest.fixture
def team_setup(factory):
    team, other_team = factory.team("Front desk"), factory.team("Back office")
    staff = factory.staff(team=team, name="Dewi Lestari")
    other = factory.staff(team=other_team, name="Olek Nowak")
    supervisor = factory.supervisor(team, name="Sue Supervisor")
    return team, staff, other, supervisor


def csv_file(text: str, name: str = "export.csv"):
    return (io.BytesIO(text.encode("utf-8")), name)


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar()


def upload(client, text: str, name: str = "export.csv", **fields):
    return client.post("/interactions/import", data={"file": csv_file(text, name), "file_format": "auto", **fields},
                       content_type="multipart/form-data")


def test_csv_import_stores_interactions_with_their_transcripts(client, login, team_setup):
    _team, staff, _other, supervisor = team_setup
    login(supervisor)
    text = ("external_id,staff_email,channel,started_at,customer_ref,relationship,source_url,transcript\n"
            f"T-100,{staff.email.upper()},Web chat,2026-11-02T10:00:00+01:00,C-42,b2b,https://desk.example/t/100,"
            "\"[09:01] customer: My order is late\n and I need it today\n[09:02] agent: Let me check that for you\"\n")
    response = upload(client, text)
    assert response.status_code == 302
    interaction = db.session.execute(select(Interaction)).scalar_one()
    assert (interaction.staff_id, interaction.channel, interaction.relationship_kind) == (staff.id, "chat", "b2b")
    assert interaction.started_at.isoformat() == "2026-11-02T09:00:00"  # converted to UTC
    assert [(m.speaker, m.text) for m in interaction.messages] == [
        ("customer", "My order is late\nand I need it today"), ("staff", "Let me check that for you")]
    page = client.get(f"/interactions/{interaction.id}").get_data(as_text=True)
    assert "My order is late" in page and "Let me check that for you" in page
    assert 'href="https://desk.example/t/100"' in page


def test_importing_the_same_export_again_adds_nothing(client, login, team_setup):
    _team, staff, _other, supervisor = team_setup
    login(supervisor)
    text = ("external_id,staff_email,channel,started_at,customer_ref\n"
            f"T-1,{staff.email},phone,2026-11-02T10:00:00Z,C-1\n"
            f"T-2,{staff.email},email,2026-11-02T11:00:00Z,C-2\n")
    assert upload(client, text).status_code == 302
    response = upload(client, text)
    assert response.status_code == 302
    assert count(Interaction) == 2
    assert "2 were imported before and skipped" in client.get("/interactions/").get_data(as_text=True)


def test_one_bad_row_imports_nothing_and_every_problem_names_its_row(client, login, team_setup):
    _team, staff, _other, supervisor = team_setup
    login(supervisor)
    text = ("external_id,staff_email,channel,started_at,customer_ref\n"
            f"T-1,{staff.email},phone,2026-11-02T10:00:00Z,C-1\n"
            f"T-2,{staff.email},fax,yesterday,C-2\n"
            f"T-3,nobody@example.com,phone,2026-11-02T10:00:00Z,C-3\n"
            f"T-1,{staff.email},phone,2026-11-02T10:00:00Z,C-1\n")
    response = upload(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Row 3:" in page and "fax" in page and "yesterday" in page
    assert "Row 5:" in page and "repeats row 2" in page
    assert count(Interaction) == 0


def test_staff_of_a_team_the_supervisor_does_not_supervise_are_refused(client, login, team_setup):
    _team, _staff, other, supervisor = team_setup
    login(supervisor)
    response = upload(client, "staff_email,channel,started_at,customer_ref\n"
                              f"{other.email},phone,2026-11-02T10:00:00Z,C-9\n")
    assert response.status_code == 400
    assert "not in a team you supervise" in response.get_data(as_text=True)
    assert count(Interaction) == 0


def test_json_lines_import_reads_message_lists_and_reports_line_numbers(client, login, team_setup):
    _team, staff, _other, supervisor = team_setup
    login(supervisor)
    good = {"external_id": "Z-1", "staff_email": staff.email, "channel": "phone", "started_at": "2026-11-03T08:00:00Z",
            "customer_ref": "ACME", "relationship": "b2b",
            "messages": [{"speaker": "requester", "at": "2026-11-03T08:00:05Z", "text": "Halo"},
                         {"speaker": "agent", "at": "08:00:20", "text": "Selamat pagi"}]}
    bad = {**good, "external_id": "Z-2", "messages": [{"speaker": "robot", "text": "?"}]}
    text = json.dumps(good) + "\n\n" + json.dumps(bad) + "\n{not json\n"
    response = upload(client, text, name="tickets.jsonl")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 3:" in page and "robot" in page and "Line 4:" in page
    assert count(Interaction) == 0
    assert upload(client, json.dumps(good) + "\n", name="tickets.jsonl").status_code == 302
    interaction = db.session.execute(select(Interaction)).scalar_one()
    assert [(m.speaker, m.sent_at.isoformat()) for m in interaction.messages] == [
        ("customer", "2026-11-03T08:00:05"), ("staff", "2026-11-03T08:00:20")]


def test_a_help_desk_export_imports_with_its_own_column_names_mapped(client, login, team_setup):
    _team, staff, _other, supervisor = team_setup
    login(supervisor)
    text = ("Ticket ID,Agent email,Channel,Created at,Requester,Comments,Priority\n"
            f"4711,{staff.email},email,2026-11-04 14:30,anna@customer.example,\"requester: Where is my refund?\n"
            "agent: It was sent today.\",high\n")
    mapping = ("Ticket ID=external_id\nAgent email=staff_email\nChannel=channel\nCreated at=started_at\n"
               "Requester=customer_ref\nComments=transcript\nPriority=-")
    assert upload(client, text, mapping=mapping).status_code == 302
    interaction = db.session.execute(select(Interaction)).scalar_one()
    assert (interaction.external_id, interaction.customer_ref, interaction.message_count) == (
        "4711", "anna@customer.example", 2)


def test_a_mapping_to_an_unknown_field_is_a_form_error(client, login, team_setup):
    *_rest, supervisor = team_setup
    login(supervisor)
    response = upload(client, "x\n1\n", mapping="Ticket ID=ticket")
    assert response.status_code == 400
    assert "is not a bro column" in response.get_data(as_text=True)


def test_old_spreadsheet_line_endings_and_long_transcripts_import(team_setup):
    _team, staff, _other, _supervisor = team_setup
    long_text = "customer: " + "x" * 19_000 + "\n" + "\n".join(f"staff: line {i}" for i in range(600))
    text = ("staff_email,channel,started_at,customer_ref,transcript\r"
            f"{staff.email},chat,2026-11-02T10:00:00Z,C-1,\"{long_text}\"\r"
            f"{staff.email},chat,2026-11-02T11:00:00Z,C-2,\r")
    rows = read_interactions(text, "csv")
    assert [row.customer_ref for row in rows] == ["C-1", "C-2"]
    assert len(rows[0].messages) == 601
    summary = import_interactions(rows, by=None, team_ids=None)
    assert (summary.created, summary.messages) == (2, 601)


@pytest.mark.parametrize("text, expected", [
    ("staff_email,channel,started_at,customer_ref\na@x,phone,2026-11-02,\"unterminated\n", "Row 2"),
    ("staff_email,channel\n", "lacks started_at, customer_ref"),
    ("staff_email,channel,started_at,customer_ref,extra\n", "unknown columns extra"),
    ("", "the file is empty"),
    ("staff_email,channel,started_at,customer_ref,source_url\na@x,phone,2026-11-02,C,javascript:alert(1)\n",
     "source_url must be an http or https address"),
])
def test_malformed_files_are_refused_with_a_clear_problem(text, expected):
    with pytest.raises(InteractionFileError) as error:
        read_interactions(text, "csv")
    assert expected in " ".join(str(problem) for problem in error.value.problems)


def test_staff_see_their_own_interactions_and_not_other_peoples(client, login, team_setup):
    _team, staff, other, _supervisor = team_setup
    text = ("staff_email,channel,started_at,customer_ref\n"
            f"{staff.email},phone,2026-11-02T10:00:00Z,MINE\n{other.email},phone,2026-11-02T10:00:00Z,THEIRS\n")
    import_interactions(read_interactions(text, "csv"), by=None, team_ids=None)
    by_ref = {i.customer_ref: i for i in db.session.execute(select(Interaction)).scalars()}
    login(staff)
    listing = client.get("/interactions/").get_data(as_text=True)
    assert "MINE" in listing and "THEIRS" not in listing
    assert client.get(f"/interactions/{by_ref['MINE'].id}").status_code == 200
    assert client.get(f"/interactions/{by_ref['THEIRS'].id}").status_code == 404


def test_the_list_filters_by_channel_and_audited(client, login, team_setup):
    _team, staff, _other, supervisor = team_setup
    text = ("staff_email,channel,started_at,customer_ref\n"
            f"{staff.email},phone,2026-11-02T10:00:00Z,BY-PHONE\n{staff.email},email,2026-11-02T10:00:00Z,BY-MAIL\n")
    import_interactions(read_interactions(text, "csv"), by=None, team_ids=None)
    login(supervisor)
    page = client.get("/interactions/?channel=email&audited=no").get_data(as_text=True)
    assert "BY-MAIL" in page and "BY-PHONE" not in page
    assert "BY-MAIL" not in client.get("/interactions/?audited=yes").get_data(as_text=True)


def test_cli_imports_with_mapped_columns_and_skips_repeats(app, team_setup, tmp_path):
    _team, staff, _other, _supervisor = team_setup
    path = tmp_path / "tickets.csv"
    path.write_text("Ticket ID,Agent email,Channel,Created at,Requester\n"
                    f"9,{staff.email},phone,2026-11-02T10:00:00Z,C-9\n", encoding="utf-8")
    runner = app.test_cli_runner()
    args = ["bro", "interactions", "import", str(path), "--map", "Ticket ID=external_id", "--map",
            "Agent email=staff_email", "--map", "Channel=channel", "--map", "Created at=started_at",
            "--map", "Requester=customer_ref"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "1 interactions imported" in first.output
    second = runner.invoke(args=args)
    assert "1 imported before and skipped" in second.output
    assert count(Interaction) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("staff_email,channel,started_at,customer_ref\nnobody@x.example,phone,2026-11-02,C\n")
    result = runner.invoke(args=["bro", "interactions", "import", str(bad)])
    assert result.exit_code != 0 and "Row 2" in result.output


def test_the_transcript_shows_each_message_in_order_as_text_never_as_markup(client, login, team_setup):
    _team, staff, _other, supervisor = team_setup
    login(supervisor)
    text = ("external_id,staff_email,channel,started_at,customer_ref,transcript\n"
            f"X-1,{staff.email},chat,2026-11-02T10:00:00Z,C-1,\"[10:01] customer: <script>alert('x')</script>\n"
            "agent: <img src=x onerror=alert(1)> & \"\"quotes\"\"\n"
            "[10:03] bot: Ticket closed\"\n")
    assert upload(client, text).status_code == 302
    interaction = db.session.execute(select(Interaction)).scalar_one()
    page = client.get(f"/interactions/{interaction.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert transcript_parts(page) == [
        ("Customer", "2026-11-02T10:01:00Z", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        ("Staff", None, "&lt;img src=x onerror=alert(1)&gt; &amp; &#34;quotes&#34;"),
        ("System", "2026-11-02T10:03:00Z", "Ticket closed")]


def transcript_parts(page: str) -> list[tuple[str, str | None, str]]:
    """(speaker, time, text as in the HTML) of each message of the transcript on ``page``, in order."""
    start = page.index('<ol class="messages">')
    transcript = page[start:page.index("</ol>", start)]
    return [(speaker, at or None, said) for speaker, at, said in re.findall(
        r'<span class="message-speaker">([^<]*)</span>(?: · <time datetime="([^"]*)">[^<]*</time>)?</p>\s*'
        r'<p class="message-text" dir="auto">([^<]*)</p>', transcript)]
