"""What duty officers read: the message ids of the `officer` gettext domain.

Officers are Thai officials, so this domain is translated into Thai and English only
(locales.DOMAIN_LANGUAGES), unlike the public domains (my, km, lo, th, en). The words live in
locales/{th,en}/LC_MESSAGES/officer.po; `python -m locales update --domain officer` extracts
the N_() marks below into locales/officer.pot (this file feeds the officer domain, not bot).

One id per indicator of cases.screening.VOCABULARY ("officer.indicator.<framework>.<name>")
and per rule of cases.screening.URGENCY_RULES ("officer.rule.<id>"); tests/test_alerts.py
checks both lists are complete. cases.alert_text.AlertText is the only user.
"""
from __future__ import annotations

from locales.marker import N_

PREFIX = "officer."

# {key: message id}; the id is always PREFIX + key.
OFFICER_MESSAGE_IDS: dict[str, str] = {
    # ---- The alert card (a LINE flex bubble pushed to duty officers and committee groups) --------------------
    # TRANSLATORS: alt text of the alert card: shows in phone notifications. Keep it this short: no details.
    "alert.alt_new": N_("officer.alert.alt_new"),
    # TRANSLATORS: alt text of the alert card of an escalated case: shows in phone notifications.
    "alert.alt_escalated": N_("officer.alert.alt_escalated"),
    # TRANSLATORS: first line of the card's coloured header, e.g. "Urgent · case ABC-234".
    "alert.title": N_("officer.alert.title"),
    "alert.subtitle_new": N_("officer.alert.subtitle_new"),
    "alert.subtitle_escalated": N_("officer.alert.subtitle_escalated"),
    # TRANSLATORS: row names of the card and of the details: short.
    "row.urgency": N_("officer.row.urgency"),
    "row.place": N_("officer.row.place"),
    "row.sector": N_("officer.row.sector"),
    "row.indicators": N_("officer.row.indicators"),
    "row.why": N_("officer.row.why"),
    "row.summary": N_("officer.row.summary"),
    # TRANSLATORS: {language} is the language's name in its own script, e.g. မြန်မာ.
    "row.words": N_("officer.row.words"),
    "row.kind": N_("officer.row.kind"),
    "row.time": N_("officer.row.time"),
    "row.status": N_("officer.row.status"),
    "row.contact": N_("officer.row.contact"),
    "row.location": N_("officer.row.location"),
    "row.photos": N_("officer.row.photos"),
    # TRANSLATORS: button: the officer takes the case. At most 20 characters.
    "button.ack.label": N_("officer.button.ack.label"),
    # TRANSLATORS: button: send the case up to the next committee. At most 20 characters.
    "button.esc.label": N_("officer.button.esc.label"),
    # TRANSLATORS: button: show everything about the case. At most 20 characters.
    "button.info.label": N_("officer.button.info.label"),
    # TRANSLATORS: a value nobody gave (district, sector...).
    "unknown": N_("officer.unknown"),
    # TRANSLATORS: {date}: e.g. 24 พฤศจิกายน 2569 (Buddhist Era); {time}: 14:05, Bangkok time.
    "time.at": N_("officer.time.at"),
    # ---- Urgency and the rule that decided it (cases/screening/ URGENCY_LEVELS, URGENCY_RULES) -------------
    "urgency.urgent": N_("officer.urgency.urgent"),
    "urgency.high": N_("officer.urgency.high"),
    "urgency.standard": N_("officer.urgency.standard"),
    # TRANSLATORS: the triage rule that decided the urgency (cases/screening/).
    "rule.danger_now": N_("officer.rule.danger_now"),
    "rule.medical_emergency": N_("officer.rule.medical_emergency"),
    "rule.child_exploitation": N_("officer.rule.child_exploitation"),
    "rule.emergency_path_danger_signs": N_("officer.rule.emergency_path_danger_signs"),
    "rule.danger_unsure_with_signs": N_("officer.rule.danger_unsure_with_signs"),
    "rule.palermo_complete": N_("officer.rule.palermo_complete"),
    "rule.ilo_core": N_("officer.rule.ilo_core"),
    "rule.thai_law_coercion": N_("officer.rule.thai_law_coercion"),
    "rule.labour_rights_only": N_("officer.rule.labour_rights_only"),
    "rule.other_indicators_only": N_("officer.rule.other_indicators_only"),
    "rule.no_indicator": N_("officer.rule.no_indicator"),
    # ---- Area (district and province names come from geothai, in Thai) ---------------------------------------
    # TRANSLATORS: {district}, {province}: names, e.g. อ.แม่สาย จ.เชียงราย.
    "place.district": N_("officer.place.district"),
    # TRANSLATORS: a Bangkok district: its name already says เขต, e.g. เขตบางรัก กรุงเทพมหานคร.
    "place.bangkok": N_("officer.place.bangkok"),
    "place.province": N_("officer.place.province"),
    # ---- Indicator frameworks and names (cases/screening/ VOCABULARY) --------------------------------------
    # TRANSLATORS: a framework's short name, shown before its indicators: "name: a, b".
    "framework.palermo.act": N_("officer.framework.palermo.act"),
    "framework.palermo.means": N_("officer.framework.palermo.means"),
    "framework.palermo.purpose": N_("officer.framework.palermo.purpose"),
    "framework.ilo": N_("officer.framework.ilo"),
    "framework.thai_law": N_("officer.framework.thai_law"),
    "framework.forced_criminality": N_("officer.framework.forced_criminality"),
    "indicators.none": N_("officer.indicators.none"),
    # TRANSLATORS: an indicator's name, in the framework's own legal terms; listed comma-separated.
    "indicator.palermo.act.recruitment": N_("officer.indicator.palermo.act.recruitment"),
    "indicator.palermo.act.transportation": N_("officer.indicator.palermo.act.transportation"),
    "indicator.palermo.act.transfer": N_("officer.indicator.palermo.act.transfer"),
    "indicator.palermo.act.harbouring": N_("officer.indicator.palermo.act.harbouring"),
    "indicator.palermo.act.receipt": N_("officer.indicator.palermo.act.receipt"),
    "indicator.palermo.means.threat_of_force": N_("officer.indicator.palermo.means.threat_of_force"),
    "indicator.palermo.means.use_of_force": N_("officer.indicator.palermo.means.use_of_force"),
    "indicator.palermo.means.other_coercion": N_("officer.indicator.palermo.means.other_coercion"),
    "indicator.palermo.means.abduction": N_("officer.indicator.palermo.means.abduction"),
    "indicator.palermo.means.fraud": N_("officer.indicator.palermo.means.fraud"),
    "indicator.palermo.means.deception": N_("officer.indicator.palermo.means.deception"),
    "indicator.palermo.means.abuse_of_power": N_("officer.indicator.palermo.means.abuse_of_power"),
    "indicator.palermo.means.abuse_of_position_of_vulnerability":
        N_("officer.indicator.palermo.means.abuse_of_position_of_vulnerability"),
    "indicator.palermo.means.payments_or_benefits_to_person_in_control":
        N_("officer.indicator.palermo.means.payments_or_benefits_to_person_in_control"),
    "indicator.palermo.purpose.exploitation_of_prostitution":
        N_("officer.indicator.palermo.purpose.exploitation_of_prostitution"),
    "indicator.palermo.purpose.other_sexual_exploitation":
        N_("officer.indicator.palermo.purpose.other_sexual_exploitation"),
    "indicator.palermo.purpose.forced_labour_or_services":
        N_("officer.indicator.palermo.purpose.forced_labour_or_services"),
    "indicator.palermo.purpose.slavery_or_similar_practices":
        N_("officer.indicator.palermo.purpose.slavery_or_similar_practices"),
    "indicator.palermo.purpose.servitude": N_("officer.indicator.palermo.purpose.servitude"),
    "indicator.palermo.purpose.removal_of_organs": N_("officer.indicator.palermo.purpose.removal_of_organs"),
    "indicator.ilo.abuse_of_vulnerability": N_("officer.indicator.ilo.abuse_of_vulnerability"),
    "indicator.ilo.deception": N_("officer.indicator.ilo.deception"),
    "indicator.ilo.restriction_of_movement": N_("officer.indicator.ilo.restriction_of_movement"),
    "indicator.ilo.isolation": N_("officer.indicator.ilo.isolation"),
    "indicator.ilo.physical_and_sexual_violence": N_("officer.indicator.ilo.physical_and_sexual_violence"),
    "indicator.ilo.intimidation_and_threats": N_("officer.indicator.ilo.intimidation_and_threats"),
    "indicator.ilo.retention_of_identity_documents": N_("officer.indicator.ilo.retention_of_identity_documents"),
    "indicator.ilo.withholding_of_wages": N_("officer.indicator.ilo.withholding_of_wages"),
    "indicator.ilo.debt_bondage": N_("officer.indicator.ilo.debt_bondage"),
    "indicator.ilo.abusive_working_and_living_conditions":
        N_("officer.indicator.ilo.abusive_working_and_living_conditions"),
    "indicator.ilo.excessive_overtime": N_("officer.indicator.ilo.excessive_overtime"),
    "indicator.thai_law.threat_or_use_of_force": N_("officer.indicator.thai_law.threat_or_use_of_force"),
    "indicator.thai_law.abduction": N_("officer.indicator.thai_law.abduction"),
    "indicator.thai_law.fraud": N_("officer.indicator.thai_law.fraud"),
    "indicator.thai_law.deception": N_("officer.indicator.thai_law.deception"),
    "indicator.thai_law.abuse_of_power": N_("officer.indicator.thai_law.abuse_of_power"),
    "indicator.thai_law.giving_money_or_benefits_to_person_in_control":
        N_("officer.indicator.thai_law.giving_money_or_benefits_to_person_in_control"),
    "indicator.thai_law.fear_of_injury_to_life_body_liberty_reputation_property":
        N_("officer.indicator.thai_law.fear_of_injury_to_life_body_liberty_reputation_property"),
    "indicator.thai_law.intimidation": N_("officer.indicator.thai_law.intimidation"),
    "indicator.thai_law.use_of_force": N_("officer.indicator.thai_law.use_of_force"),
    "indicator.thai_law.state_of_being_unable_to_resist":
        N_("officer.indicator.thai_law.state_of_being_unable_to_resist"),
    "indicator.thai_law.seizure_of_identity_documents":
        N_("officer.indicator.thai_law.seizure_of_identity_documents"),
    "indicator.thai_law.debt_bondage": N_("officer.indicator.thai_law.debt_bondage"),
    "indicator.forced_criminality.online_job_offer_recruitment":
        N_("officer.indicator.forced_criminality.online_job_offer_recruitment"),
    "indicator.forced_criminality.transported": N_("officer.indicator.forced_criminality.transported"),
    "indicator.forced_criminality.scam_call_centre": N_("officer.indicator.forced_criminality.scam_call_centre"),
    "indicator.forced_criminality.document_retention": N_("officer.indicator.forced_criminality.document_retention"),
    "indicator.forced_criminality.threats_and_violence":
        N_("officer.indicator.forced_criminality.threats_and_violence"),
    "indicator.forced_criminality.movement_restricted":
        N_("officer.indicator.forced_criminality.movement_restricted"),
    "indicator.forced_criminality.travel_debt": N_("officer.indicator.forced_criminality.travel_debt"),
    "indicator.forced_criminality.arbitrary_fines": N_("officer.indicator.forced_criminality.arbitrary_fines"),
    "indicator.forced_criminality.resale_to_other_operations":
        N_("officer.indicator.forced_criminality.resale_to_other_operations"),
    "indicator.forced_criminality.forced_drug_use": N_("officer.indicator.forced_criminality.forced_drug_use"),
    "indicator.forced_criminality.sexual_exploitation":
        N_("officer.indicator.forced_criminality.sexual_exploitation"),
    # ---- Why the case came to this committee (cases/routing/ reasons and methods) --------------------------
    "reason.district_committee": N_("officer.reason.district_committee"),
    "reason.uncovered_district": N_("officer.reason.uncovered_district"),
    "reason.province_only": N_("officer.reason.province_only"),
    "reason.no_province": N_("officer.reason.no_province"),
    # TRANSLATORS: {level}: 1, 2...; {why}: one of the escalation reasons below.
    "reason.escalated": N_("officer.reason.escalated"),
    "escalated.no_acknowledgement": N_("officer.escalated.no_acknowledgement"),
    "escalated.officer_request": N_("officer.escalated.officer_request"),
    # TRANSLATORS: why a case came straight up: {committee} had nobody on duty and no LINE group.
    "escalated.nobody_on_duty": N_("officer.escalated.nobody_on_duty"),
    "method.nearest_point": N_("officer.method.nearest_point"),
    "method.picked": N_("officer.method.picked"),
    "method.address_name": N_("officer.method.address_name"),
    "method.none": N_("officer.method.none"),
    # ---- Who reported ----------------------------------------------------------------------------------------
    "kind.self": N_("officer.kind.self"),
    "kind.tip": N_("officer.kind.tip"),
    "kind.people": N_("officer.kind.people"),
    "kind.nationality": N_("officer.kind.nationality"),
    # ---- Answers to officers' taps and commands --------------------------------------------------------------
    # TRANSLATORS: to the other officers: who took the case, and when.
    "acknowledged": N_("officer.acknowledged"),
    "ack_confirmed": N_("officer.ack_confirmed"),
    "already_acknowledged": N_("officer.already_acknowledged"),
    "escalated": N_("officer.escalated"),
    "cancelled": N_("officer.cancelled"),
    "note_saved": N_("officer.note_saved"),
    # TRANSLATORS: to a wrong reference AND to anyone who is not an officer: must not tell which.
    "not_found": N_("officer.not_found"),
    "linked": N_("officer.linked"),
    "link_failed": N_("officer.link_failed"),
    "group_linked": N_("officer.group_linked"),
    # TRANSLATORS: in a group, after a right group code: an officer of {committee} must confirm in this
    # group. The words "confirm group" / "ยืนยันกลุ่ม" are typed as written here.
    "group_pending": N_("officer.group_pending"),
    # TRANSLATORS: button under group_pending. At most 20 characters.
    "button.confirm_group.label": N_("officer.button.confirm_group.label"),
    # TRANSLATORS: what a tap on the confirm button shows in the group as the person's message.
    "confirm_group.display": N_("officer.confirm_group.display"),
    # TRANSLATORS: a group code typed in a group that already gets the alerts of another {committee}.
    "group_in_use": N_("officer.group_in_use"),
    # TRANSLATORS: "confirm group" typed by someone who is not a linked officer of {committee}.
    "group_confirm_refused": N_("officer.group_confirm_refused"),
    # TRANSLATORS: "confirm group" typed in a group with no group code waiting (or it expired).
    "group_confirm_nothing": N_("officer.group_confirm_nothing"),
    # TRANSLATORS: pushed to the group that used to get {committee}'s alerts; {name}: the officer who
    # confirmed the new group. No case details.
    "group_replaced_old": N_("officer.group_replaced_old"),
    # TRANSLATORS: pushed to the committee's officers when its LINE group changed. No case details.
    "group_replaced_officers": N_("officer.group_replaced_officers"),
    # TRANSLATORS: a command that shows case details (cases, case ABC-234, note) typed in a group.
    "private_only": N_("officer.private_only"),
    # TRANSLATORS: the commands are typed as written here (Thai or English words, the case reference, the
    # code).
    "help": N_("officer.help"),
    # ---- The committees' dashboard (issue 14): a one-time sign-in link, in the officer's 1:1 chat ----------
    # TRANSLATORS: above the button that opens the dashboard. {minutes}: how long the link works. Whoever opens
    # a forwarded link could sign in as the officer, hence the warning.
    "dashboard_link": N_("officer.dashboard_link"),
    # TRANSLATORS: button: opens the dashboard in the browser. At most 20 characters.
    "button.dashboard.label": N_("officer.button.dashboard.label"),
    # TRANSLATORS: button under the command list: asks the bot for a dashboard link. At most 20 characters.
    "button.dashboard_link.label": N_("officer.button.dashboard_link.label"),
    # TRANSLATORS: the officer asked for many links in a short time; {minutes}: how long to wait.
    "dashboard_too_many": N_("officer.dashboard_too_many"),
    # ---- Case work (issue 13: take, refer, move, close; cases/lifecycle.py) ------------------------------
    # TRANSLATORS: to the committee (officers and group): who took the case. No case details.
    "taken": N_("officer.taken"),
    # TRANSLATORS: to the officer who took the case.
    "take_confirmed": N_("officer.take_confirmed"),
    # TRANSLATORS: to the committee: the case was referred to an agency. {service}: the kind of service. No contact.
    "referred": N_("officer.referred"),
    # TRANSLATORS: to the officer who referred the case.
    "refer_done": N_("officer.refer_done"),
    # TRANSLATORS: to the committee that had the case: it went to {committee}; they can still read it.
    "moved": N_("officer.moved"),
    # TRANSLATORS: to the officer who moved the case.
    "move_done": N_("officer.move_done"),
    # TRANSLATORS: to the committee: the case was closed and with which outcome.
    "closed": N_("officer.closed"),
    # TRANSLATORS: to the officer who closed the case.
    "close_done": N_("officer.close_done"),
    # TRANSLATORS: to the committee: a closed case is open again.
    "reopened": N_("officer.reopened"),
    # TRANSLATORS: to the committee and the officer who has it: the case has stayed in the same state past its time.
    # Not an escalation.
    "reminder": N_("officer.reminder"),
    # TRANSLATORS: an action the case's state does not allow, e.g. closing a closed case.
    "not_allowed": N_("officer.not_allowed"),
    # TRANSLATORS: the officer tapped Take on a case they already have.
    "already_yours": N_("officer.already_yours"),
    # TRANSLATORS: an officer of a committee the case was moved away from: they may read it, not act.
    "read_only": N_("officer.read_only"),
    # TRANSLATORS: then the outcomes as buttons.
    "choose_outcome": N_("officer.choose_outcome"),
    # TRANSLATORS: then the services as buttons.
    "choose_service": N_("officer.choose_service"),
    # TRANSLATORS: after the service was chosen: the agency's name and contact are typed as shown, or skipped with
    # the button.
    "ask_agency": N_("officer.ask_agency"),
    # TRANSLATORS: then the committees as buttons; {example}: a committee id.
    "choose_committee": N_("officer.choose_committee"),
    # TRANSLATORS: a typed outcome, service or committee id that is not in the list.
    "unknown_choice": N_("officer.unknown_choice"),
    # TRANSLATORS: button: the officer takes the case. At most 20 characters.
    "button.take.label": N_("officer.button.take.label"),
    # TRANSLATORS: button: write to the reporter through the bot (with their consent). At most 20 characters.
    "button.msg.label": N_("officer.button.msg.label"),
    # TRANSLATORS: button: close the case with an outcome. At most 20 characters.
    "button.close.label": N_("officer.button.close.label"),
    # TRANSLATORS: button: refer the case to an agency. At most 20 characters.
    "button.refer.label": N_("officer.button.refer.label"),
    # TRANSLATORS: button: move the case to another committee. At most 20 characters.
    "button.move.label": N_("officer.button.move.label"),
    # TRANSLATORS: button: refer without typing the agency. At most 20 characters.
    "button.skip.label": N_("officer.button.skip.label"),
    # ---- More case work in LINE (issue 13: in progress, referral status, reopen) ----------------------------
    # TRANSLATORS: button: work on the case has started (then: what started). At most 20 characters.
    "button.start.label": N_("officer.button.start.label"),
    # TRANSLATORS: button: set the state of one of the case's referrals. At most 20 characters.
    "button.referral.label": N_("officer.button.referral.label"),
    # TRANSLATORS: button: open a closed case again. At most 20 characters.
    "button.reopen.label": N_("officer.button.reopen.label"),
    # TRANSLATORS: then the activities as buttons (a screening interview, a visit, other).
    "choose_activity": N_("officer.choose_activity"),
    # TRANSLATORS: to the officer: the case is in progress; {activity}: what started.
    "start_done": N_("officer.start_done"),
    # TRANSLATORS: activity (button, at most 20 characters): an interview to screen the person.
    "activity.screening_interview": N_("officer.activity.screening_interview"),
    # TRANSLATORS: activity (button, at most 20 characters): a visit to the person or the place.
    "activity.visit": N_("officer.activity.visit"),
    # TRANSLATORS: activity (button, at most 20 characters).
    "activity.other": N_("officer.activity.other"),
    # TRANSLATORS: the case has no referral whose state could be set; the command to refer it.
    "no_referrals": N_("officer.no_referrals"),
    # TRANSLATORS: then one line per referral (referral_line) and the referrals as buttons.
    "choose_referral": N_("officer.choose_referral"),
    # TRANSLATORS: one referral: {number} within the case, {service}, {agency} (may be empty), {state}.
    "referral_line": N_("officer.referral_line"),
    # TRANSLATORS: {referral}: the referral_line; then its states as buttons.
    "choose_referral_state": N_("officer.choose_referral_state"),
    # TRANSLATORS: to the officer: the referral's new state was saved; {referral}: the referral_line.
    "referral_done": N_("officer.referral_done"),
    # TRANSLATORS: referral state (button, at most 20 characters): sent to the agency, no answer yet.
    "referral_state.sent": N_("officer.referral_state.sent"),
    # TRANSLATORS: referral state (button, at most 20 characters): the agency accepted it.
    "referral_state.accepted": N_("officer.referral_state.accepted"),
    # TRANSLATORS: referral state (button, at most 20 characters): the agency did what was asked.
    "referral_state.done": N_("officer.referral_state.done"),
    # TRANSLATORS: referral state (button, at most 20 characters): the agency declined it.
    "referral_state.declined": N_("officer.referral_state.declined"),
    # TRANSLATORS: to the officer who reopened the case; the committee has been told.
    "reopen_done": N_("officer.reopen_done"),
    "status.new": N_("officer.status.new"),
    "status.taken": N_("officer.status.taken"),
    "status.taken_short": N_("officer.status.taken_short"),
    "status.in_progress": N_("officer.status.in_progress"),
    "status.referred": N_("officer.status.referred"),
    "status.closed_outcome": N_("officer.status.closed_outcome"),
    # TRANSLATORS: why the case is at this committee: another committee moved it here.
    "reason.moved": N_("officer.reason.moved"),
    "event.taken": N_("officer.event.taken"),
    "event.started": N_("officer.event.started"),
    "event.referred": N_("officer.event.referred"),
    "event.referral_updated": N_("officer.event.referral_updated"),
    "event.moved": N_("officer.event.moved"),
    "event.closed": N_("officer.event.closed"),
    "event.reopened": N_("officer.event.reopened"),
    "event.reminded": N_("officer.event.reminded"),
    # TRANSLATORS: outcome (button, at most 20 characters): identified as a possible victim and referred under the
    # National Referral Mechanism.
    "outcome.nrm_referred": N_("officer.outcome.nrm_referred"),
    # TRANSLATORS: outcome (button, at most 20 characters): labour violation referred to labour protection.
    "outcome.labour_referred": N_("officer.outcome.labour_referred"),
    # TRANSLATORS: outcome (button, at most 20 characters).
    "outcome.assisted_otherwise": N_("officer.outcome.assisted_otherwise"),
    # TRANSLATORS: outcome (button, at most 20 characters).
    "outcome.not_a_case": N_("officer.outcome.not_a_case"),
    # TRANSLATORS: outcome (button, at most 20 characters): could not reach the person.
    "outcome.unreachable": N_("officer.outcome.unreachable"),
    # TRANSLATORS: outcome (button, at most 20 characters): duplicate of another case (the other reference goes in a
    # note).
    "outcome.duplicate": N_("officer.outcome.duplicate"),
    # TRANSLATORS: outcome (button, at most 20 characters): moved to another committee.
    "outcome.moved": N_("officer.outcome.moved"),
    # TRANSLATORS: service a case is referred to (button, at most 20 characters).
    "service.police": N_("officer.service.police"),
    # TRANSLATORS: service (button, at most 20 characters).
    "service.labour_protection": N_("officer.service.labour_protection"),
    # TRANSLATORS: service (button, at most 20 characters): social welfare or shelter.
    "service.social_welfare": N_("officer.service.social_welfare"),
    # TRANSLATORS: service (button, at most 20 characters).
    "service.immigration": N_("officer.service.immigration"),
    # TRANSLATORS: service (button, at most 20 characters).
    "service.ngo": N_("officer.service.ngo"),
    # TRANSLATORS: service (button, at most 20 characters).
    "service.embassy": N_("officer.service.embassy"),
    # ---- Case details (contact details are only here, never in the alert) ------------------------------------
    "details.title": N_("officer.details.title"),
    "details.confidential": N_("officer.details.confidential"),
    "status.open": N_("officer.status.open"),
    "status.acknowledged": N_("officer.status.acknowledged"),
    "status.cancelled": N_("officer.status.cancelled"),
    "status.closed": N_("officer.status.closed"),
    "status.acknowledged_short": N_("officer.status.acknowledged_short"),
    "contact.allowed": N_("officer.contact.allowed"),
    "contact.not_allowed": N_("officer.contact.not_allowed"),
    "contact.how": N_("officer.contact.how"),
    "contact.when": N_("officer.contact.when"),
    "contact.phone": N_("officer.contact.phone"),
    "contact.no_phone": N_("officer.contact.no_phone"),
    # TRANSLATORS: title of the map pin (at most 100 characters).
    "location.title": N_("officer.location.title"),
    "location.coordinates": N_("officer.location.coordinates"),
    "location.address": N_("officer.location.address"),
    "location.none": N_("officer.location.none"),
    "photos.count": N_("officer.photos.count"),
    "photos.none": N_("officer.photos.none"),
    "trail.title": N_("officer.trail.title"),
    "trail.earlier": N_("officer.trail.earlier"),
    "event.created": N_("officer.event.created"),
    "event.alerted": N_("officer.event.alerted"),
    "event.acknowledged": N_("officer.event.acknowledged"),
    "event.escalated": N_("officer.event.escalated"),
    "event.escalation_exhausted": N_("officer.event.escalation_exhausted"),
    # TRANSLATORS: in the audit trail: no officer or group anywhere in the chain could be alerted.
    "event.nobody_reached": N_("officer.event.nobody_reached"),
    "event.note": N_("officer.event.note"),
    "event.cancelled": N_("officer.event.cancelled"),
    "event.details_viewed": N_("officer.event.details_viewed"),
    # TRANSLATORS: in the audit trail: the reporter deleted their data; the report stays, without their contact.
    "event.contact_erased": N_("officer.event.contact_erased"),
    # TRANSLATORS: in the audit trail: the retention period passed; the reporter's words and contact were erased.
    "event.expired": N_("officer.event.expired"),
    "event.reporter_note": N_("officer.event.reporter_note"),
    "event.reporter_note_held": N_("officer.event.reporter_note_held"),
    "event.reporter_message": N_("officer.event.reporter_message"),
    "event.reporter_message_held": N_("officer.event.reporter_message_held"),
    "event.reporter_push_dropped": N_("officer.event.reporter_push_dropped"),
    "event.reporter_reply": N_("officer.event.reporter_reply"),
    "event.consent_revoked": N_("officer.event.consent_revoked"),
    "event.status_viewed": N_("officer.event.status_viewed"),
    "actor.system": N_("officer.actor.system"),
    "actor.reporter": N_("officer.actor.reporter"),
    # ---- The list of open cases ------------------------------------------------------------------------------
    "case_list.title": N_("officer.case_list.title"),
    "case_list.empty": N_("officer.case_list.empty"),
    "case_list.hint": N_("officer.case_list.hint"),
    # TRANSLATORS: how long ago the case came in.
    "age.minutes": N_("officer.age.minutes"),
    "age.hours": N_("officer.age.hours"),
    "age.days": N_("officer.age.days"),
    # ---- Answers the reporter chose (flows/data/report.yaml, tip.yaml values), in officers' words ------------
    # TRANSLATORS: the work sector the reporter chose.
    "value.sector.fishing": N_("officer.value.sector.fishing"),
    "value.sector.construction": N_("officer.value.sector.construction"),
    "value.sector.agriculture": N_("officer.value.sector.agriculture"),
    "value.sector.domestic": N_("officer.value.sector.domestic"),
    "value.sector.factory": N_("officer.value.sector.factory"),
    "value.sector.scam_centre": N_("officer.value.sector.scam_centre"),
    "value.sector.sex_work": N_("officer.value.sector.sex_work"),
    "value.sector.other": N_("officer.value.sector.other"),
    # TRANSLATORS: nationality of the people in a tip.
    "value.nationality.myanmar": N_("officer.value.nationality.myanmar"),
    "value.nationality.cambodia": N_("officer.value.nationality.cambodia"),
    "value.nationality.laos": N_("officer.value.nationality.laos"),
    "value.nationality.thai": N_("officer.value.nationality.thai"),
    "value.nationality.other": N_("officer.value.nationality.other"),
    "value.nationality.unsure": N_("officer.value.nationality.unsure"),
    # TRANSLATORS: how the reporter wants to be contacted.
    "value.contact_how.line": N_("officer.value.contact_how.line"),
    "value.contact_how.phone": N_("officer.value.contact_how.phone"),
    # TRANSLATORS: when it is safe to contact the reporter.
    "value.contact_when.anytime": N_("officer.value.contact_when.anytime"),
    "value.contact_when.morning": N_("officer.value.contact_when.morning"),
    "value.contact_when.evening": N_("officer.value.contact_when.evening"),
    "value.contact_when.only_i_write_first": N_("officer.value.contact_when.only_i_write_first"),
}


def officer_id(key: str) -> str:
    """The message id of a key ("alert.title" -> "officer.alert.title"); KeyError if unknown."""
    return OFFICER_MESSAGE_IDS[key]


def indicator_id(framework: str, name: str) -> str | None:
    """The id of an indicator's name ("ilo", "debt_bondage"), None if it has none."""
    return OFFICER_MESSAGE_IDS.get(f"indicator.{framework}.{name}")


def rule_id(rule: str) -> str | None:
    """The id of an urgency rule's words ("danger_now"), None if it has none."""
    return OFFICER_MESSAGE_IDS.get(f"rule.{rule}")
