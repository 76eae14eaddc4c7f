"""Write the sample company to a folder: CSV files, datapackage.json and the data dictionary.

Run ``python -m valuekit.generate data`` (or ``make data``) to regenerate ``data/``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from . import company
from .loader import TRUTHS_FILE
from .schema import TABLES, write_datapackage

T = company.PLANTED_TRUTHS

PLANTED_TRUTH_LINES = [
    ("CRM lead scoring (staged rollout)",
     f"Conversion rises by **{T['crm_lift_pp']:.1f} percentage points** once lead scoring has ramped up; "
     f"the lift grows linearly over the first {T['crm_ramp_weeks']} weeks after a team's rollout. "
     f"Teams go live on four dates (see `sales_teams.crm_rollout_date`); team {T['crm_never_treated_team']} "
     "(Partners) is never treated. Conversion also drifts up by "
     f"{T['conversion_trend_pp_per_year']:g} points a year and moves a little with the seasons, for every team "
     "alike."),
    ("Lead-scoring adoption",
     f"The share of a team's reps using lead scoring in week *k* after rollout is "
     f"{T['adoption_ceiling']:.0%} × (1 − e^(−(k+1)/{company.ADOPTION_WEEKS:g})), rising towards a ceiling of "
     f"**{T['adoption_ceiling']:.0%}**."),
    ("Approval automation",
     f"From {company.APPROVAL_AUTOMATION:%Y-%m-%d} the median cycle time halves from "
     f"**{T['approval_median_hours_before']:g} h to {T['approval_median_hours_after']:g} h**, and approvers per "
     f"request fall from **{T['approvers_before']} to {T['approvers_after']}**. Each sign-off takes a median "
     f"{T['approval_touch_median_minutes']:g} minutes of the approver's time before and after."),
    ("Service-desk agent console",
     f"From {company.SERVICE_CHANGE:%Y-%m-%d} resolution time falls by **{-T['service_effect_hours']:g} hours** "
     "for every ticket category. Two things confound a naive before/after: resolution time peaks each January "
     f"and bottoms out each July (±{T['service_season_amplitude_hours']:g} h), and on the same day the list "
     f"price rises from {T['price_before_cny']:g} to {T['price_after_cny']:g} CNY per seat, which brings a "
     f"decaying surge of billing tickets ({company.BILLING_SURGE_PER_WEEK} extra a week at first; a billing "
     "ticket takes about as long as the average ticket, except in hard mode, where billing tickets are slow)."),
    ("Service desk the ITIL way",
     "Each ticket has an SLA target by category ("
     + ", ".join(f"{c} {h:g} h" for c, h in company.SLA_DUE_HOURS.items()) + "). "
     "From the same day as the resolution-time change (change `agent_console`), first-contact resolution rises by "
     f"**{company.SERVICE_FCR_LIFT * 100:g} points** in every category (before: " + ", ".join(
         f"{c} {p:.0%}" for c, p in company.SERVICE_FCR_BEFORE.items()) + "), the reopen rate falls from "
     f"**{company.SERVICE_REOPEN_BEFORE:.0%} to {company.SERVICE_REOPEN_AFTER:.0%}**, and agent handle time per "
     f"ticket from a median **{company.SERVICE_HANDLE_MEDIAN_MINUTES_BEFORE:g} to "
     f"{company.SERVICE_HANDLE_MEDIAN_MINUTES_AFTER:g} minutes** (lognormal, σ {company.SERVICE_HANDLE_SIGMA:g}). "
     "A reopened ticket never counts as resolved at first contact. The billing surge after the price change "
     "brings tickets with a lower first-contact rate, so a naive before/after of the desk's rate is diluted. "
     f"About {company.CSAT_RESPONSE_SHARE:.0%} of customers rate the ticket (1 to 5), higher when it was resolved "
     "at first contact and lower when reopened; the console moves CSAT only through those two."),
    ("Approval returns",
     f"Before the rules engine (change `approval_rules_engine`) **{company.APPROVAL_RETURN_BEFORE:.0%}** of requests "
     f"are sent back to the requester for correction; from go-live, with the form checked at submission, "
     f"**{company.APPROVAL_RETURN_AFTER:.0%}**. A correction costs the requester a median "
     f"{company.APPROVAL_REWORK_MEDIAN_MINUTES:g} minutes."),
    ("Internal users' survey",
     f"Each quarter ({', '.join(f'{m:02d}' for m in company.SURVEY_MONTHS)}-15 or the next weekday) "
     f"{company.SURVEY_RESPONSE_SHARE:.0%} of the staff who must use a system answer two UMUX-Lite items and the "
     f"CES item (1 to 7; a normal with SD {company.SURVEY_ITEM_SD:g}, rounded, kept in 1..7): requesters (reps and "
     "team leads) about approvals, agents about the service desk. The item means rise after each system's change: "
     + "; ".join(f"{system} (change `{change}`): UMUX-Lite items {ub:g} → {ua:g}, CES {cb:g} → {ca:g}"
                 for system, change, _jobs, ub, ua, cb, ca in company.SURVEY_SYSTEMS)
     + ". The expected UMUX-Lite and CES changes are in `planted_truths.json`. Using the systems is mandatory, "
     "so every requester and agent is active before and after: adoption does not move."),
    ("Push automation",
     f"From {company.PUSH_AUTOMATION:%Y-%m-%d} an automated strategy picks push content: staff preparation time "
     f"per push falls from a median **{T['push_median_minutes_manual']:g} to "
     f"{T['push_median_minutes_automated']:g} minutes**, {company.PUSHES_PER_DAY} pushes a day."),
    ("Deals and customers",
     f"A won lead buys on average {company.SEATS_PER_NEW_CUSTOMER} seats at the list price of the day; "
     "`deal_value_cny` is that first year's contract (seats × price × 12). Every won lead is counted in "
     f"`customers_monthly.new_customers` for its month, on top of {company.INITIAL_CUSTOMERS:,} customers at "
     "the start."),
    ("Price change and churn",
     f"The list price moves from {T['price_before_cny']:g} to {T['price_after_cny']:g} CNY per seat on "
     f"{company.PRICE_CHANGE:%Y-%m-%d}; monthly churn rises from 2.2% to 2.8% for the three months after."),
    ("PM self-assessment",
     "Each PM has a true stage per dimension (1 follow … 4 lead): they agree (4 or 5) with statements at or below it "
     "and disagree (1 to 3, mostly 1 or 2) with those above. "
     "Every agreement names its evidence (`pm_answers.evidence`), except "
     f"{company.INCONSISTENT_PM}'s: that PM answers inconsistently (agrees with drive and lead statements, disagrees "
     f"with follow and collaborate ones) and names no evidence at all; {company.PM_WITH_GAPS} left "
     f"{len(company.UNANSWERED_ITEMS)} statements unanswered ({', '.join(company.UNANSWERED_ITEMS)})."),
    ("Shared customer-record service (middle office)",
     f"The service goes live on {company.SHARED_SERVICE_LIVE:%Y-%m-%d} (change `customer_record_service`). A front "
     f"office takes {company.FRONT_OFFICE_BASE_WEEKS:g} weeks + {T['weeks_per_scope_point']:g} weeks per scope "
     f"point + {company.OWN_RECORDS_WEEKS:g} weeks to build its own customer records, sign-in and payments, or "
     f"{company.SHARED_INTEGRATION_WEEKS:g} week to integrate with the shared service instead, from kickoff to "
     f"launch (noise SD {company.LAUNCH_NOISE_WEEKS:g} weeks): the service saves **{T['launch_weeks_saved']:g} weeks "
     f"per launch** at equal scope. Scope grows by {company.SCOPE_GROWTH_POINTS_PER_YEAR:g} points a year, so the "
     "later front offices, most of them on the service, are bigger, and a plain comparison of launch times "
     f"understates the saving. After go-live every {company.OWN_AFTER_LIVE_EVERY}th front office still builds its "
     "own records (the reuse rate this gives is in `planted_truths.json`)."),
    ("Service costs, showback and chargeback",
     f"It cost {company.SHARED_SERVICE_BUILD[2]:,.0f} CNY a month to build for {company.SHARED_SERVICE_BUILD[1]} "
     f"months from {company.SHARED_SERVICE_BUILD[0]}. From go-live it costs "
     f"{company.PLATFORM_TEAM_CNY_PER_MONTH:,.0f} CNY a month for its team, and "
     f"{company.INFRA_BASE_CNY_PER_MONTH:,.0f} CNY plus **{T['infra_cny_per_million_calls']:,.0f} CNY per million "
     "calls** for infrastructure (noise SD 1,500 CNY). Each consumer's calls are shown back monthly; from "
     f"{company.CHARGEBACK_START:%Y-%m-%d} (change `service_chargeback`) they are charged back by usage, and every "
     f"consumer's calls fall by **{-T['chargeback_call_change']:.0%}**."),
    ("Permission reviews",
     f"Quarterly reviews open on {company.ACCESS_REVIEW_START:%Y-%m-%d} and every "
     f"{company.ACCESS_REVIEW_EVERY_MONTHS} months after (change `quarterly_access_review`); each closes within "
     f"{company.ACCESS_REVIEW_DAYS} days and signs off a set share of each system's grants active on its opening day: "
     "**" + ", ".join(f"{system} {share:.0%}" for system, share in T["review_coverage_by_system"].items()) + "**. "
     "A reviewed grant whose owner has left is revoked and its account disabled, except in the "
     f"{company.UNWATCHED_SYSTEM} system, whose reviewer keeps every grant."),
    ("Orphaned accounts",
     "Offboarding disables a leaver's accounts on the last working day or the next, except in the "
     f"{company.UNWATCHED_SYSTEM} system (local accounts, not on its checklist), and it misses "
     f"{company.OFFBOARDING_MISSED_ACCOUNTS} other leavers' accounts; those stay active until a review revokes them. "
     "Nobody leaves in the last fortnight. How many are still orphaned at the end, and how many the reviews "
     "revoked, is in `planted_truths.json`."),
    ("Audit log of destructive actions",
     "Every destructive action writes an audit record, except CRM bulk exports through the API before "
     f"{company.EXPORT_AUDIT_FIX:%Y-%m-%d} (change `export_audit_logging`) and the service desk's nightly batch "
     "deletions, which never do."),
    ("Segregation of duties in approvals",
     f"About {company.LEAD_REQUEST_SHARE:.0%} of approval requests are submitted by a team lead for their own deal. "
     "Before the rules engine such a request went to the sales director; the engine routes it to the "
     "submitter's team lead, so every one since is signed by its own submitter. From "
     f"{company.LEGAL_COVER[0]:%Y-%m-%d} to {company.LEGAL_COVER[1] - pd.Timedelta(days=1):%Y-%m-%d} one finance "
     "approver covered for legal and signed both the finance and the legal step of every request submitted."),
    ("Randomised lead routing (rung 5)",
     f"From {company.ROUTING_START:%Y-%m-%d}, for {company.ROUTING_WEEKS} weeks, each rep is assigned by a fair coin "
     f"(probability {company.ROUTING_TREATED_SHARE:g}) to matched routing or the round-robin control "
     "(`routing_experiment.arm`), with no sample-ratio mismatch beyond the coin's. A rep's share of leads with a first "
     f"meeting booked is {company.ROUTING_MEETING_RATE:.0%} plus a team offset plus a persistent rep effect (SD "
     f"{company.ROUTING_REP_SD * 100:g} points), the same in the {company.ROUTING_PRE_WEEKS} weeks before the trial, "
     f"which is why the pre-period rate works as CUPED's covariate. Matched routing raises it by **"
     f"{company.ROUTING_LIFT * 100:g} points** and keeps a lead waiting "
     f"**{company.ROUTING_FIRST_CONTACT_CHANGE_HOURS:g} h** longer for its first contact (the guardrail), and it "
     "has no effect on the control reps who share a team's lead pool (spillover zero). Leads per rep are the "
     "`leads` table's counts in the two windows."),
    ("Guardrails: push open rate and churn",
     f"Push open rate is {company.PUSH_OPEN_RATE_MANUAL:.1%} of the audience before push automation and "
     f"{company.PUSH_OPEN_RATE_AUTOMATED:.1%} after (noise SD 0.4 points per push). Monthly churn is "
     f"{company.CHURN_RATE:.1%}, and {company.PRICE_CHURN_RISE * 100:g} points higher in the "
     f"{company.PRICE_CHURN_MONTHS} months from the price change (change `price_rise`)."),
]


HARD_MODE_LINES = [
    ("Team shocks",
     f"Each team's conversion moves by its own shock every quarter (SD {company.HARD_TEAM_QUARTER_SD * 100:g} "
     "points), so a team's weeks are not independent and six teams give little information."),
    ("Cohort-specific, growing effects",
     "The lift differs by rollout cohort (" + ", ".join(
         f"{date}: {lift * 100:g} points" for date, lift in company.HARD_COHORT_LIFT.items())
     + f") and keeps growing by {company.HARD_LIFT_GROWTH_PER_YEAR * 100:g} points a year after the "
     f"{company.CRM_RAMP_WEEKS}-week ramp."),
    ("A second seasonal harmonic",
     f"Conversion has a second harmonic ({company.HARD_SECOND_HARMONIC * 100:g}-point amplitude) and resolution time "
     f"another ({company.HARD_SERVICE_SECOND_HARMONIC_HOURS:g} h), so one sine and cosine no longer fit the season."),
    ("Conversion lag, censored",
     f"A win comes a mean {company.HARD_CONVERSION_LAG_DAYS:g} days (exponential) after the lead; wins after "
     f"{company.END:%Y-%m-%d} are not in the export, so the newest leads look worse."),
    ("Missing values",
     f"About {company.HARD_MISSING_SHARE:.0%} of rep-weeks are missing from the lead export, and as many won "
     "deals have no `deal_value_cny`."),
    ("Queueing",
     f"Resolution time rises with the week's ticket volume (elasticity {company.HARD_QUEUE_ELASTICITY:g})."),
    ("A billing confounder that matters",
     f"Billing tickets take a mean {company.HARD_BILLING_HOURS:g} h, and the price change brings "
     f"{company.HARD_BILLING_SURGE_PER_WEEK} extra a week at first, which also lengthens the queue."),
]


def _pm_stage_table() -> str:
    header = "| PM | " + " | ".join(company.DIMENSIONS) + " |"
    rule = "|---" * (len(company.DIMENSIONS) + 1) + "|"
    rows = [
        f"| {pm_id} | " + " | ".join(company.STAGES[stage - 1] for stage in stages) + " |"
        for pm_id, _name, _tenure, _system, stages in company.PM_TEAM
    ]
    return "\n".join([header, rule, *rows])


def data_dictionary(seed: int, hard: bool = False) -> str:
    """Markdown data dictionary: tables, fields and the planted truths (and hard mode's, if `hard`)."""
    lines = [
        "# Data dictionary: Kestrel Cloud",
        "",
        "Kestrel Cloud is the book's fictional sample company: a B2B subscription business selling a",
        "scheduling product to small businesses, with an inside-sales team on a CRM, a customer-service desk,",
        "internal approval workflows and a content/push back office. The data covers",
        f"{company.START:%Y-%m-%d} to {company.END:%Y-%m-%d} ({company.WEEKS} weeks).",
        "",
        f"Every file here is written by `python -m valuekit.generate data` with seed {seed}; regenerating gives",
        "byte-identical files. `datapackage.json` holds the machine-readable schema (a Frictionless Data",
        "Package: types, constraints, primary and foreign keys); the loader validates every file against it.",
        "Money is in CNY. Dates are ISO `YYYY-MM-DD`; timestamps are `YYYY-MM-DDTHH:MM:SS`, local time.",
        "",
        "The notebooks read every date from here, never from the generator: company-wide changes from the",
        "change log `changes.csv` (looked up by `change_id`), the staged CRM rollout from",
        "`sales_teams.crm_rollout_date`. A folder of your own gives your dates the same way.",
        "",
        "## Planted truths",
        "",
        "The generator builds these effects into the data, so you can check that a method recovers them.",
        "",
    ]
    lines += [f"- **{title}.** {text}" for title, text in PLANTED_TRUTH_LINES]
    if hard:
        lines[7] = lines[7].replace("generate data`", "generate --hard data`")
        lines += ["", "### Hard mode", "",
                  "This folder was written in hard mode (`python -m valuekit.generate --hard FOLDER`), which keeps",
                  "the truths above except where listed here and breaks the methods' comfortable assumptions:", ""]
        lines += [f"- **{title}.** {text}" for title, text in HARD_MODE_LINES]
    lines += ["", "True stage of each PM per dimension:", "", _pm_stage_table(), "", "## Tables", ""]
    for name, spec in TABLES.items():
        key = ", ".join(f"`{field}`" for field in spec["primaryKey"])
        lines += [f"### `{name}.csv`", "", f"{spec['title']}. Primary key: {key}.", ""]
        for foreign_key in spec.get("foreignKeys", []):
            ref = foreign_key["reference"]
            lines += [f"`{foreign_key['fields'][0]}` refers to `{ref['resource']}.{ref['fields'][0]}`.", ""]
        lines += ["| column | type | required | description |", "|---|---|---|---|"]
        for field in spec["fields"]:
            constraints = field["constraints"]
            extra = ""
            if "enum" in constraints:
                extra = " One of " + ", ".join(f"`{value}`" for value in constraints["enum"]) + "."
            required = "yes" if constraints["required"] else "no"
            lines.append(f"| `{field['name']}` | {field['type']} | {required} | {field['description']}{extra} |")
        lines.append("")
    return "\n".join(lines)


def planted_truths_file(seed: int = company.DEFAULT_SEED) -> dict:
    """What the notebooks compare their estimates with: sizes and week-by-week curves of the planted effects,
    and the counts the middle-office and security tables of this seed were built to contain."""
    weeks = np.arange(company.WEEKS)
    return {
        "crm_lift_pp": T["crm_lift_pp"],
        "crm_lift_pp_by_week_since_rollout": [round(float(x) * 100, 6) for x in company.crm_lift(weeks)],
        "service_effect_hours": T["service_effect_hours"],
        "adoption_ceiling": T["adoption_ceiling"],
        "adoption_share_by_week_since_rollout": [round(float(x), 6) for x in company.adoption_share(weeks)],
        **{key: T[key] for key in ("launch_weeks_saved", "weeks_per_scope_point", "infra_cny_per_million_calls",
                                   "platform_fixed_cny_per_month", "chargeback_call_change",
                                   "review_coverage_by_system")},
        **company.realised_truths(seed),
        **company.service_desk_truths(),
        **company.experiment_truths(),
        "source_conversion_shift_pp": {source: round(shift * 100, 6)
                                       for source, shift in company.SOURCE_CONVERSION_SHIFT.items()},
        "conversion_trend_pp_per_year": round(company.CONVERSION_TREND_PER_YEAR * 100, 6),
    }


def write_company(folder: Path, seed: int = company.DEFAULT_SEED, hard: bool = False, scale: int = 1) -> list[Path]:
    """Generate the company (in hard mode if `hard`, `scale` times the size) and write every file; returns the
    paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in company.generate(seed, hard, scale).items():
        path = folder / f"{name}.csv"
        table.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    written.append(write_datapackage(folder))
    if not hard:  # hard mode's effects differ by cohort and grow: no single curve to overlay
        truths = folder / TRUTHS_FILE
        truths.write_text(json.dumps(planted_truths_file(seed), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        written.append(truths)
    readme = folder / "README.md"
    text = data_dictionary(seed, hard)
    if scale != 1:
        scaled = (f"This folder is the company at {scale} times its size (`--scale {scale}`), for benchmarks: the "
                  "same six teams with more reps each, and more approvals, pushes, tickets and customers. The "
                  "middle-office, security, approval-return, survey and experiment tables are left out.")
        text = text.replace("## Planted truths", f"{scaled}\n\n## Planted truths", 1)
    readme.write_text(text, encoding="utf-8")
    written.append(readme)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the files")
    parser.add_argument("--seed", type=int, default=company.DEFAULT_SEED)
    parser.add_argument("--scale", type=int, default=1,
                        help="a company this many times the size (reps per team, approvals, pushes, tickets), for "
                             "benchmarks")
    parser.add_argument("--hard", action="store_true",
                        help="hard mode: team shocks, growing effects, lagged wins, missing values, queueing")
    args = parser.parse_args(argv)
    for path in write_company(args.folder, args.seed, args.hard, args.scale):
        print(path)


if __name__ == "__main__":
    main()
