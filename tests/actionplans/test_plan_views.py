"""The action plan's pages: the outline, inline editing (htmx and plain), conflicts, removing,
moving, the history of an item, and the values and principles."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.models import (
    ActionPlan,
    ActionStep,
    Benchmark,
    Gap,
    Goal,
    Measure,
    Objective,
    Principle,
    PrincipleStance,
    PriorityArea,
    Strategy,
)
from tests.assessments.test_results import questions, respond
from tests.conftest import sign_in
from tests.factories import WorkshopFactory, plan_tree, system

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, workshop, *args) -> str:
    return reverse(f"actionplans:{name}", args=[workshop.code, *args])


def add_url(workshop, kind: str, parent) -> str:
    return f"{url('item_add', workshop, kind)}?parent={parent.pk}"


def principle(key: str) -> Principle:
    return Principle.objects.get(key=key)


def big_plan(workshop, priorities=8, objectives=3, steps=5) -> None:
    """A plan of the given size with strategies, measures, benchmarks and principles."""
    tags = list(Principle.objects.all()[:3])
    systems = [system("education"), system("youth")]
    today = timezone.localdate()
    for n in range(1, priorities + 1):
        tree = plan_tree(workshop, n)
        tree.goal.principles.set(tags)
        for o in range(objectives):
            objective = (
                tree.objective
                if o == 0
                else Objective.objects.create(goal=tree.goal, title=f"Objective {n}.{o}", order=o)
            )
            objective.principles.set(tags)
            strategy = Strategy.objects.get_or_create(objective=objective, title=f"S {n}.{o}")[0]
            strategy.principles.set(tags)
            for s in range(1 if o == 0 else 0, steps):  # plan_tree made the first one
                step = ActionStep.objects.get_or_create(
                    objective=objective,
                    title=f"Step {n}.{o}.{s}",
                    defaults={
                        "strategy": strategy if s % 2 else None,
                        "start": today,
                        "due": today + timedelta(days=30),
                        "lead": "Ana",
                        "order": s,
                    },
                )[0]
                step.principles.set(tags)
                step.partner_systems.set(systems)
            tree.step.principles.set(tags)
            measure = Measure.objects.get_or_create(
                objective=objective,
                title=f"M {n}.{o}",
                defaults={"baseline": 1, "target": 2, "unit": "days"},
            )[0]
            Benchmark.objects.get_or_create(measure=measure, due=today, defaults={"value": 1})


# --- the outline -------------------------------------------------------------------------------


def test_it_shows_the_whole_plan_framed_by_the_four_questions(client, cast):
    tree = plan_tree(cast.workshop)
    tree.goal.where_we_are = "Families wait six weeks."
    tree.goal.save()
    tree.step.principles.add(principle("youth-guided"))
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url("plan", cast.workshop))
    assert response.status_code == 200
    text = response.text
    for question in (
        "Where are we?",
        "Where do we want to be?",
        "What will we do to get there?",
        "How will we know if we are making progress?",
    ):
        assert question in text
    for part in ("Gap 1", "Goal 1", "Families wait six weeks.", "Objective 1", "Strategy 1"):
        assert part in text
    assert "Step 1" in text and "Pat Lee" in text and "Not started" in text
    assert "Measure 1" in text and "families" in text
    assert "Youth-guided" in text
    assert url("why", cast.workshop, tree.step.pk) in text
    assert url("principles", cast.workshop) in text
    # A participant sees the plan, not the buttons that change it.
    assert f'href="{url("item_edit", cast.workshop, "goal", tree.goal.pk)}"' not in text
    assert url("item_history", cast.workshop, "goal", tree.goal.pk) in text


def test_it_gives_editors_their_buttons(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.committee.user)
    text = client.get(url("plan", cast.workshop)).text
    assert f'href="{url("item_edit", cast.workshop, "step", tree.step.pk)}"' in text
    assert url("item_remove", cast.workshop, "objective", tree.objective.pk) in text
    assert add_url(cast.workshop, "measure", tree.objective).replace("?", "?") in text
    assert "Move up" not in text  # one of each: nothing to reorder


def test_it_points_to_the_priorities_when_there_are_none(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.get(url("plan", cast.workshop))
    assert "No priority areas yet" in response.text
    assert url("priorities", cast.workshop) in response.text


def test_it_asks_for_the_goal_of_a_priority_without_one(client, cast):
    gap = Gap.objects.create(workshop=cast.workshop, title="No crisis beds")
    priority = PriorityArea.objects.create(workshop=cast.workshop, gap=gap, title=gap.title)
    sign_in(client, cast.facilitator.user)
    text = client.get(url("plan", cast.workshop)).text
    assert "Add the goal" in text
    assert add_url(cast.workshop, "goal", priority) in text


def queries_of(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_it_keeps_a_fixed_query_count_whatever_the_size_of_the_plan(client, cast):
    small = WorkshopFactory()
    big_plan(small, priorities=1, objectives=1, steps=1)
    big_plan(cast.workshop)
    assert ActionStep.objects.filter(objective__goal__plan__workshop=cast.workshop).count() == 120
    sign_in(client, cast.reviewer)
    few = queries_of(client, url("plan", small))
    many = queries_of(client, url("plan", cast.workshop))
    assert few == many
    assert many <= 22  # the steps' latest progress: one query for all


# --- adding ------------------------------------------------------------------------------------


def test_it_gives_the_add_form_inline_or_as_a_page(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    inline = client.get(add_url(cast.workshop, "objective", tree.goal), **HTMX)
    assert inline.status_code == 200
    assert "<html" not in inline.text and 'hx-post="' in inline.text
    page = client.get(add_url(cast.workshop, "objective", tree.goal))
    assert "<html" in page.text and "Add an objective" in page.text


def test_it_adds_a_goal_without_javascript(client, cast):
    tree = plan_tree(cast.workshop)
    before = tree.plan.changed_at
    sign_in(client, cast.facilitator.user)
    response = client.post(
        add_url(cast.workshop, "goal", tree.priority),
        {"title": "Every family seen in two weeks", "principles": [principle("cultural").pk]},
    )
    assert response.status_code == 302
    goal = Goal.objects.get(title="Every family seen in two weeks")
    assert response.url.endswith(f"#goal-{goal.pk}")
    assert goal.plan == tree.plan and goal.priority == tree.priority and goal.order == 1
    assert list(goal.principles.values_list("key", flat=True)) == ["cultural"]
    assert ActionPlan.objects.get(pk=tree.plan.pk).changed_at > before


def test_it_adds_a_step_inline_and_answers_with_its_objective(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    response = client.post(
        add_url(cast.workshop, "step", tree.objective),
        {
            "title": "Train crisis staff",
            "strategy": tree.strategy.pk,
            "lead": "Jo",
            "partner_systems": [system("crisis").pk],
            "start": "2027-01-10",
            "due": "2027-03-01",
            "status": "in_progress",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#objective-{tree.objective.pk}"
    step = ActionStep.objects.get(title="Train crisis staff")
    assert step.strategy == tree.strategy
    assert f'id="step-{step.pk}-title" tabindex="-1" autofocus' in response.text
    assert 'hx-swap-oob="innerHTML"' in response.text


def test_it_refreshes_the_counts_and_principles_after_an_inline_change(client, cast):
    tree = plan_tree(cast.workshop)
    principle = Principle.objects.get(key="youth-guided")
    sign_in(client, cast.facilitator.user)
    response = client.post(
        add_url(cast.workshop, "step", tree.objective),
        {"title": "Youth advisory board", "status": "not_started", "principles": [principle.pk]},
        **HTMX,
    )
    assert response.status_code == 200
    summary = response.text.split('id="plan-summary"')[1].split("</p>")[0]
    assert 'hx-swap-oob="true"' in summary
    assert "2 action steps" in summary
    aside = response.text.split('id="plan-principles"')[1].split("</aside>")[0]
    assert 'hx-swap-oob="true"' in aside
    assert "Youth-guided" in aside and "1 item" in aside


def test_it_preselects_the_strategy_of_a_step(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    path = f"{add_url(cast.workshop, 'step', tree.objective)}&strategy={tree.strategy.pk}"
    text = client.get(path, **HTMX).text
    assert f'<option value="{tree.strategy.pk}" selected>' in text


@pytest.mark.parametrize(
    ("kind", "parent"),
    [("goal", "priority"), ("objective", "goal"), ("step", "objective"), ("benchmark", "measure")],
)
def test_it_refuses_a_parent_of_another_workshop(client, cast, kind, parent):
    theirs = plan_tree(WorkshopFactory())
    plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    assert client.get(add_url(cast.workshop, kind, getattr(theirs, parent))).status_code == 404
    response = client.post(add_url(cast.workshop, kind, getattr(theirs, parent)), {"title": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["", "?parent=", "?parent=abc", "?parent=999999"])
def test_it_answers_404_without_a_valid_parent(client, cast, query):
    plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    assert client.get(url("item_add", cast.workshop, "goal") + query).status_code == 404


def test_it_answers_404_for_an_unknown_kind(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    assert client.get(add_url(cast.workshop, "wish", tree.goal)).status_code == 404
    assert client.get(url("item_edit", cast.workshop, "plan", tree.plan.pk)).status_code == 404
    assert client.get(url("item_history", cast.workshop, "gap", 1)).status_code == 404
    moving = client.post(url("item_move", cast.workshop, "priority", tree.priority.pk))
    assert moving.status_code == 404


def test_it_answers_404_for_an_item_of_another_workshop(client, cast):
    theirs = plan_tree(WorkshopFactory())
    sign_in(client, cast.facilitator.user)
    for kind in ("goal", "objective", "strategy", "step", "measure", "benchmark"):
        item = getattr(theirs, kind)
        assert client.get(url("item_edit", cast.workshop, kind, item.pk)).status_code == 404
        assert client.get(url("item_history", cast.workshop, kind, item.pk)).status_code == 404
        assert client.post(url("item_remove", cast.workshop, kind, item.pk)).status_code == 404
    assert Goal.objects.filter(pk=theirs.goal.pk).exists()


# --- bad input ---------------------------------------------------------------------------------


def errors_next_to(text: str, field: str) -> str:
    """The error text crispy renders under the field (id ``error_1_id_<field>``)."""
    marker = f'id="error_1_id_{field}"'
    assert marker in text, f"no error next to {field}"
    start = text.index(marker)
    return text[start : text.index("</", start)]


def test_it_refuses_a_due_date_before_the_start(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    response = client.post(
        add_url(cast.workshop, "step", tree.objective),
        {"title": "Backwards", "start": "2027-03-01", "due": "2027-02-01", "status": "not_started"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "cannot be before the start date" in errors_next_to(response.text, "due")
    assert not ActionStep.objects.filter(title="Backwards").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "quantitative", "target": "20"}, "unit", "Give the unit"),
        ({"kind": "quantitative", "baseline": "3", "unit": "  "}, "unit", "Give the unit"),
        ({"kind": "qualitative", "target": "5", "unit": "x"}, "target", "no numbers"),
        ({"kind": "qualitative", "baseline": "1"}, "baseline", "no numbers"),
        ({"kind": "quantitative", "target": "lots", "unit": "x"}, "target", "number"),
        ({"kind": "sideways"}, "kind", "valid choice"),
    ],
)
def test_it_refuses_a_measure_that_does_not_add_up(client, cast, data, field, message):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    response = client.post(
        add_url(cast.workshop, "measure", tree.objective), {"title": "Wait", **data}, **HTMX
    )
    assert response.status_code == 422
    assert message in errors_next_to(response.text, field)
    assert not Measure.objects.filter(title="Wait").exists()


def test_it_refuses_overlong_text_and_keeps_markup_as_text(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    response = client.post(add_url(cast.workshop, "goal", tree.priority), {"title": "x" * 301})
    assert response.status_code == 200
    assert "at most 300 characters" in errors_next_to(response.text, "title")
    client.post(
        add_url(cast.workshop, "goal", tree.priority),
        {"title": "<script>alert(1)</script>", "where_we_are": "<b>bold</b>"},
    )
    text = client.get(url("plan", cast.workshop)).text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;b&gt;bold&lt;/b&gt;" in text


def test_it_refuses_a_strategy_of_another_objective(client, cast):
    tree = plan_tree(cast.workshop)
    other = plan_tree(cast.workshop, 2)
    sign_in(client, cast.facilitator.user)
    response = client.post(
        add_url(cast.workshop, "step", tree.objective),
        {"title": "Crossed", "strategy": other.strategy.pk, "status": "not_started"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "valid choice" in errors_next_to(response.text, "strategy")


def test_it_refuses_a_benchmark_without_value_or_description(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    response = client.post(add_url(cast.workshop, "benchmark", tree.measure), {"due": "2027-01-01"})
    assert "Give a value, a description, or both." in errors_next_to(response.text, "value")


# --- editing and conflicts ---------------------------------------------------------------------


def objective_data(objective, **changes) -> dict:
    data = {
        "title": objective.title,
        "target_date": objective.target_date.isoformat() if objective.target_date else "",
        "principles": list(objective.principles.values_list("pk", flat=True)),
        "version": objective.version,
    }
    return {**data, **changes}


def test_it_edits_an_objective_inline(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    edit = url("item_edit", cast.workshop, "objective", tree.objective.pk)
    form = client.get(edit, **HTMX)
    assert f'name="version" value="{tree.objective.version}"' in form.text
    response = client.post(edit, objective_data(tree.objective, title="Halve the wait"), **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#objective-{tree.objective.pk}"
    tree.objective.refresh_from_db()
    assert (tree.objective.title, tree.objective.version) == ("Halve the wait", 2)


def test_it_shows_both_versions_when_someone_saved_in_between(client, cast):
    tree = plan_tree(cast.workshop)
    read = objective_data(tree.objective)
    Objective.objects.filter(pk=tree.objective.pk).update(title="Their title", version=2)
    sign_in(client, cast.facilitator.user)
    edit = url("item_edit", cast.workshop, "objective", tree.objective.pk)
    mine = {**read, "title": "My title", "principles": [principle("cultural").pk]}
    response = client.post(edit, mine)
    assert response.status_code == 200  # without JavaScript: the page with both versions
    text = response.text
    assert "Someone else saved this objective" in text
    assert "Their title" in text and "My title" in text
    assert "Cultural and linguistic competence" in text  # the principles differ too
    assert 'name="version" value="2"' in text
    assert Objective.objects.get(pk=tree.objective.pk).title == "Their title"
    assert client.post(edit, mine, **HTMX).status_code == 409
    # Save mine over it: the same form with the version it now shows.
    again = client.post(edit, {**mine, "version": 2})
    assert again.status_code == 302
    stored = Objective.objects.get(pk=tree.objective.pk)
    assert (stored.title, stored.version) == ("My title", 3)
    assert list(stored.principles.values_list("key", flat=True)) == ["cultural"]


def test_it_takes_a_save_equal_to_the_one_in_between_as_saved(client, cast):
    tree = plan_tree(cast.workshop)
    read = objective_data(tree.objective)
    Objective.objects.filter(pk=tree.objective.pk).update(title="Same", version=2)
    sign_in(client, cast.facilitator.user)
    response = client.post(
        url("item_edit", cast.workshop, "objective", tree.objective.pk), {**read, "title": "Same"}
    )
    assert response.status_code == 302


def test_it_asks_to_reload_a_form_without_its_version(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    data = objective_data(tree.objective)
    del data["version"]
    response = client.post(url("item_edit", cast.workshop, "objective", tree.objective.pk), data)
    assert response.status_code == 200
    assert "missing its version number" in response.text


# --- removing and moving -----------------------------------------------------------------------


def test_it_asks_what_goes_with_a_goal_before_removing_it(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    remove = url("item_remove", cast.workshop, "goal", tree.goal.pk)
    page = client.get(remove)
    assert page.status_code == 200
    for line in ("1 objective", "1 strategy", "1 action step", "1 measure"):
        assert line in page.text
    outline = client.get(url("plan", cast.workshop)).text
    assert "With it: 1 objective, 1 strategy, 1 action step, 1 measure." in outline
    response = client.post(remove)
    assert response.status_code == 302
    assert not Goal.objects.filter(pk=tree.goal.pk).exists()
    assert not ActionStep.objects.filter(pk=tree.step.pk).exists()


def test_it_removes_inline_and_answers_with_the_parent(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    response = client.post(url("item_remove", cast.workshop, "step", tree.step.pk), **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#objective-{tree.objective.pk}"
    assert not ActionStep.objects.filter(pk=tree.step.pk).exists()


def test_it_moves_steps_among_their_siblings(client, cast):
    tree = plan_tree(cast.workshop)
    second = ActionStep.objects.create(
        objective=tree.objective, strategy=tree.strategy, title="Second", order=1
    )
    sign_in(client, cast.facilitator.user)
    text = client.get(url("plan", cast.workshop)).text
    assert "Move up: Second" in text and "Move down: Step 1" in text
    move = url("item_move", cast.workshop, "step", second.pk)
    response = client.post(move, {"direction": "up"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#objective-{tree.objective.pk}"
    assert f'id="step-{second.pk}-down" title="Move down" autofocus' in response.text

    def order():
        return list(tree.objective.steps.order_by("order", "id").values_list("title", flat=True))

    assert order() == ["Second", "Step 1"]
    assert client.post(move, {"direction": "up"}).status_code == 302  # already first
    assert order() == ["Second", "Step 1"]
    assert client.post(move, {"direction": "sideways"}).status_code == 302
    assert client.post(move, {"direction": "down"}).status_code == 302
    assert order() == ["Step 1", "Second"]


def test_it_keeps_benchmarks_in_date_order(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    move = url("item_move", cast.workshop, "benchmark", tree.benchmark.pk)
    assert client.post(move, {"direction": "up"}).status_code == 404


# --- history -----------------------------------------------------------------------------------


def test_it_shows_the_history_of_an_item(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    edit = url("item_edit", cast.workshop, "step", tree.step.pk)
    base = {
        "title": tree.step.title,
        "strategy": tree.strategy.pk,
        "lead": "Pat Lee",
        "start": "2027-01-04",
        "due": "2027-03-01",
        "status": "not_started",
    }
    assert client.post(edit, {**base, "version": 1}).status_code == 302
    changes = {
        "due": "2027-03-15",
        "status": "blocked",
        "principles": [principle("youth-guided").pk],
        "version": 2,
    }
    assert client.post(edit, {**base, **changes}).status_code == 302
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url("item_history", cast.workshop, "step", tree.step.pk))
    assert response.status_code == 200
    text = " ".join(response.text.split())
    assert 'Due date:</span> <span class="plan-history-old">1 Mar 2027</span>' in text
    assert "15 Mar 2027" in text
    assert "Not started" in text and "Blocked" in text
    assert "Youth-guided" in text
    name = cast.facilitator.user.get_full_name()
    assert f"by {name}" in text
    assert text.index("15 Mar 2027") < text.index("Added")  # newest first


# --- values and principles ---------------------------------------------------------------------


def test_it_shows_where_the_county_stands_with_the_survey_and_the_plan(client, cast):
    tree = plan_tree(cast.workshop)
    tree.step.principles.add(principle("youth-guided"))
    tree.goal.principles.add(principle("youth-guided"))
    PrincipleStance.objects.create(
        workshop=cast.workshop,
        principle=principle("youth-guided"),
        level="emerging",
        notes="Youth council meets twice a year.",
    )
    by_key = questions(cast.workshop)
    for value in (4, 4, 5):
        respond(cast.workshop, scale={"youth-guided": value}, by_key=by_key)
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url("principles", cast.workshop))
    assert response.status_code == 200
    text = " ".join(response.text.split())
    assert text.count('class="card principle-card"') == 8
    assert "Emerging" in text and "Youth council meets twice a year." in text
    assert "4.3 of 5" in text and "3 people rated it" in text
    assert "<dd>2</dd>" in text  # a goal and a step advance it
    assert "Not discussed yet" in text
    assert url("stance_edit", cast.workshop, principle("youth-guided").pk) not in text
    outline = client.get(url("plan", cast.workshop)).text
    assert "Emerging" in outline and "2 items" in outline


def test_it_records_where_the_county_stands_inline(client, cast):
    plan = plan_tree(cast.workshop).plan
    sign_in(client, cast.facilitator.user)
    edit = url("stance_edit", cast.workshop, principle("cultural").pk)
    form = client.get(edit, **HTMX)
    assert 'name="version" value="0"' in form.text
    response = client.post(
        edit, {"level": "adopted", "notes": "Interpreters", "version": 0}, **HTMX
    )
    assert response.status_code == 200
    assert "Adopted" in response.text and "Interpreters" in response.text
    stance = PrincipleStance.objects.get(workshop=cast.workshop, principle=principle("cultural"))
    assert (stance.level, stance.version) == ("adopted", 1)
    assert ActionPlan.objects.get(pk=plan.pk).changed_at > plan.changed_at
    bad = client.post(edit, {"level": "perfect", "version": 1}, **HTMX)
    assert bad.status_code == 422
    assert "valid choice" in errors_next_to(bad.text, "level")


def test_it_shows_both_stances_when_someone_saved_in_between(client, cast):
    sign_in(client, cast.facilitator.user)
    edit = url("stance_edit", cast.workshop, principle("cultural").pk)
    PrincipleStance.objects.create(
        workshop=cast.workshop, principle=principle("cultural"), level="emerging", notes="Theirs"
    )
    response = client.post(edit, {"level": "adopted", "notes": "Mine", "version": 0}, **HTMX)
    assert response.status_code == 409
    assert "Theirs" in response.text and "Mine" in response.text
    assert 'name="version" value="1"' in response.text
    again = client.post(edit, {"level": "adopted", "notes": "Mine", "version": 1})
    assert again.status_code == 302
    assert PrincipleStance.objects.get(principle=principle("cultural")).notes == "Mine"


def test_it_edits_a_stance_without_javascript(client, cast):
    sign_in(client, cast.committee.user)
    edit = url("stance_edit", cast.workshop, principle("youth-guided").pk)
    page = client.get(edit)
    assert "<html" in page.text and "Where the county stands" in page.text
    response = client.post(edit, {"level": "implemented", "notes": "", "version": 0})
    assert response.status_code == 302
    assert response.url.endswith(f"#principle-{principle('youth-guided').pk}")
    assert client.get(url("stance_edit", cast.workshop, 999999)).status_code == 404


def test_it_moves_changed_at_on_every_change(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    stamps = []

    def stamp():
        stamps.append(ActionPlan.objects.get(pk=tree.plan.pk).changed_at)

    stamp()
    client.post(add_url(cast.workshop, "strategy", tree.objective), {"title": "More"})
    stamp()
    strategy = Strategy.objects.get(title="More")
    client.post(url("item_move", cast.workshop, "strategy", strategy.pk), {"direction": "up"})
    stamp()
    client.post(url("item_remove", cast.workshop, "strategy", strategy.pk))
    stamp()
    assert stamps == sorted(stamps) and len(set(stamps)) == 4
    assert date.today() - stamps[-1].date() <= timedelta(days=1)


def test_it_renders_one_part_of_the_outline_for_a_cancelled_form(client, cast):
    tree = plan_tree(cast.workshop)
    theirs = plan_tree(WorkshopFactory())
    sign_in(client, cast.participant.user, cast.workshop)
    plan = url("plan", cast.workshop)
    response = client.get(f"{plan}?node=objective-{tree.objective.pk}", **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<section")
    assert f'id="objective-{tree.objective.pk}"' in response.text
    for node in ("step-1", "goal-x", f"goal-{theirs.goal.pk}", f"priority-{theirs.priority.pk}"):
        assert client.get(f"{plan}?node={node}", **HTMX).status_code == 404
    assert "<html" in client.get(f"{plan}?node=goal-{tree.goal.pk}").text  # no htmx: the page
    row = client.get(f"{url('principles', cast.workshop)}?row={principle('cultural').pk}", **HTMX)
    assert row.text.lstrip().startswith("<article")


def test_it_records_an_added_item_with_its_principles_as_one_change(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.committee.user)
    client.post(
        add_url(cast.workshop, "strategy", tree.objective),
        {"title": "Evening hours", "principles": [principle("cultural").pk]},
    )
    strategy = Strategy.objects.get(title="Evening hours")
    response = client.get(url("item_history", cast.workshop, "strategy", strategy.pk))
    text = " ".join(response.text.split())
    assert text.count('class="plan-history-entry"') == 1
    assert "Added</strong> by" in text and "Cultural and linguistic competence" in text
