"""Demo: this month's imported interactions with transcripts in each staff member's language, a sampling plan
for Front desk drawn into the supervisors' queues and partly audited, and a coaching session."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from bro import clock
from bro.audits.operations import record_audit, standards_in_force
from bro.coaching.operations import plan_session, record_session
from bro.demo import DemoContext
from bro.extensions import db
from bro.interactions import sampling
from bro.interactions.operations import import_interactions
from bro.interactions.parsing import parse_record
from bro.models.interactions import Interaction, ReviewItem

# (customer, staff, customer, staff) lines of a short chat, per language.
CONVERSATIONS = {
    "en": [
        (
            "Hi, my parcel has not arrived yet.",
            "Hello and welcome! I'm sorry to hear that — may I have the order number?",
            "It's 58213.",
            "Thank you. It left our warehouse yesterday; you will have it tomorrow. Anything else?",
        ),
        (
            "Can I change the delivery address?",
            "Of course. Which address should we use?",
            "12 Mill Lane, Leeds.",
            "Done — the confirmation is on its way to your email.",
        ),
    ],
    "id": [
        (
            "Halo, paket saya belum sampai.",
            "Selamat datang! Mohon maaf atas ketidaknyamanannya — boleh saya minta nomor pesanannya?",
            "Nomornya 58213.",
            "Terima kasih. Paket sudah dikirim kemarin dan tiba besok. Ada lagi yang bisa saya bantu?",
        ),
        (
            "Bisakah saya mengganti alamat pengiriman?",
            "Tentu. Alamat mana yang ingin digunakan?",
            "Jl. Merdeka 5, Bandung.",
            "Sudah kami ubah — konfirmasinya kami kirim ke email Anda.",
        ),
    ],
    "pl": [
        (
            "Dzień dobry, moja paczka jeszcze nie dotarła.",
            "Dzień dobry! Przykro mi — czy mogę prosić o numer zamówienia?",
            "To 58213.",
            "Dziękuję. Paczka wyjechała wczoraj i dotrze jutro. Czy mogę w czymś jeszcze pomóc?",
        ),
        (
            "Czy mogę zmienić adres dostawy?",
            "Oczywiście. Jaki adres mamy wpisać?",
            "ul. Długa 12, Gdańsk.",
            "Gotowe — potwierdzenie wysłaliśmy e-mailem.",
        ),
    ],
}
PER_STAFF = 8


def seed_interactions(ctx: DemoContext) -> None:
    if db.session.execute(select(Interaction.id).limit(1)).first():
        return
    users, rng = ctx.users, ctx.rng
    now = clock.utcnow()
    month_start = now.date().replace(day=1)
    days = max(1, (now.date() - month_start).days + 1)
    rows = []
    number = 70000
    for key in [f"staff_{i}" for i in range(1, 9)]:
        person = users[key]
        for _ in range(PER_STAFF):
            number += 1
            started = datetime.combine(month_start + timedelta(days=rng.randrange(days)), time(8)) + timedelta(
                minutes=rng.randrange(9 * 60)
            )
            if started >= now:
                started = now - timedelta(hours=rng.randint(1, 6))
            lines = rng.choice(CONVERSATIONS[person.language])
            messages = [
                {"speaker": "customer" if i % 2 == 0 else "staff",
                 "at": (started + timedelta(minutes=i)).isoformat(), "text": text}
                for i, text in enumerate(lines)
            ]
            row = parse_record(
                {
                    "external_id": f"DESK-{number}",
                    "staff_email": person.email,
                    "channel": rng.choice(["chat", "email", "phone"]),
                    "started_at": started.isoformat(),
                    "customer_ref": f"C-{number}",
                    "relationship": "b2c" if person.team.name == "Front desk" else "b2b",
                    "source_url": f"https://helpdesk.example.com/tickets/{number}",
                },
                number,
                messages,
            )
            rows.append(row)
    import_interactions(rows, by=users["admin"], team_ids=None)
    b2c = next(iter(standards_in_force("b2c")), None)
    front_desk = users["staff_1"].team
    if b2c is None:
        return
    plan = sampling.set_plan(
        team=front_desk,
        standard_id=b2c.standard_id,
        per_staff=2,
        period="month",
        by_channel=True,
        by=users["sup_front"],
    )
    draw = sampling.draw_period(plan, now.date(), by=users["sup_front"], seed=20261202)
    items = (
        db.session.execute(select(ReviewItem).where(ReviewItem.draw_id == draw.id).order_by(ReviewItem.id))
        .scalars()
        .all()
    )
    for item in items[: len(items) // 2]:  # half the queue worked
        interaction = item.interaction
        assignee = item.assignee
        ratings = {
            step.key: ("met" if rng.random() < 0.85 else "partial" if not step.critical else "met")
            for step in b2c.steps
        }
        audit = record_audit(
            auditor=assignee,
            staff=interaction.staff,
            version=b2c,
            relationship="b2c",
            channel=interaction.channel,
            interacted_on=interaction.started_at.date(),
            customer_ref=interaction.customer_ref,
            ratings=ratings,
            interacted_at=interaction.started_at,
            sampled=True,  # drawn by the plan
        )
        sampling.complete_review(interaction, audit)
    session = plan_session(users["staff_2"], by=users["sup_front"], scheduled_for=now - timedelta(days=1))
    record_session(
        session,
        by=users["sup_front"],
        notes="Rozmawialiśmy o zadawaniu pytań otwartych na początku rozmowy.",
        actions=[("Zadawaj dwa pytania otwarte w każdej rozmowie", now.date() + timedelta(days=14))],
    )
    plan_session(users["staff_4"], by=users["sup_front"], scheduled_for=now + timedelta(days=2))

