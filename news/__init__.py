"""News and reminders (issue 15): the rules, pure (no Flask, LINE or database).

What a person may subscribe to (`choices`), who an audience reaches (`audience`), what a
composed broadcast must hold (`compose`), whether LINE's quota allows it (`quota`), and when
a personal reminder is due (`reminders`, with the calendar in `calendar`).
"""
