"""What deputies raise most: the grouping recovers the problems synth planted (pair precision and recall
≥ 0.8), and irrigation water, raised in nine prefectures, leads the region's list."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from devtools.synth import PREFS, _deputy_counts, world
from devtools.synth.topics import IRRIGATION_PREFECTURES, planted_topic
from lvzhi import reference
from reports import topics


def synth_suggestions(scale: str, seed: int = 1) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """The synth world's suggestions (the files' rows before formatting) and its place names."""
    rng = np.random.default_rng(seed)
    frames, places = [], set(reference.prefectures().values())
    for p, n in zip(PREFS, _deputy_counts(rng, scale)):
        kinds = world._prefecture_frames(rng, p, n, scale)
        frames.append(kinds["suggestions"].select("suggestion_id", "title", "lead_deputy_id", "cosigner_ids", "_year")
                      .with_columns(pl.lit(p.code).alias("prefecture_code")))
        places.update(kinds["deputies"]["county"].drop_nulls().to_list())
        places.update(kinds["stations"]["township"].drop_nulls().to_list())
    return pl.concat(frames), tuple(sorted(places))


@pytest.fixture(scope="module")
def demo_2024():
    suggestions, places = synth_suggestions("demo")
    return suggestions.filter(pl.col("_year") == 2024), places


def test_grouping_recovers_planted_topics(demo_2024):
    suggestions, places = demo_2024
    found = topics.group(suggestions, places)
    topic_of = {sid: topic.topic_id for topic in found for sid in topic.suggestion_ids}
    truth = [planted_topic(title) for title in suggestions["title"]]
    assert None not in truth
    precision, recall = topics.pair_scores(truth, [topic_of[s] for s in suggestions["suggestion_id"]])
    print(f"topics: {len(found)} for {suggestions.height} suggestions; pair precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.8 and recall >= 0.8


def test_topic_raised_in_nine_prefectures_is_first(demo_2024):
    suggestions, places = demo_2024
    first = topics.group(suggestions, places)[0]
    assert first.prefectures == sorted(IRRIGATION_PREFECTURES)
    assert {planted_topic(title) for title in first.titles} == {"灌溉用水"}
    assert "灌溉" in first.label and first.deputies >= first.count


def test_synth_titles_are_the_same_for_a_seed():
    one, _ = synth_suggestions("tiny", seed=7)
    two, _ = synth_suggestions("tiny", seed=7)
    assert one["title"].to_list() == two["title"].to_list()
    assert one["title"].n_unique() > 50


def test_content_drops_frame_places_and_verbs():
    text, words = topics.content("关于加快阿克陶县玉其乡农村学生校车（第3号）开通的建议", ("阿克陶县",))
    assert "校车" in words and "阿克陶县" not in text and "关于" not in text and "加快" not in words
    assert topics.content("关于加强家室站建设的建议")[1] == ["家室站"]


def test_similar_titles_and_pair_scores():
    rows = pl.DataFrame({"suggestion_id": ["a", "b", "c"], "prefecture_code": ["650100"] * 3,
                         "lead_deputy_id": ["d1", "d2", "d3"],
                         "title": ["关于解决农田灌溉用水紧张问题的建议", "关于解决农田灌溉用水紧张的建议", "关于增开城乡公交线路的建议"]})
    pairs = topics.similar_titles(rows)
    assert pairs.height == 1 and {pairs["suggestion_id_a"][0], pairs["suggestion_id_b"][0]} == {"a", "b"}
    assert topics.pair_scores([1, 1, 2], [1, 1, 2]) == (1.0, 1.0)
    assert topics.pair_scores([1, 1, 2], [1, 2, 3]) == (1.0, 0.0)


def test_similar_titles_in_blocks_find_the_pairs_of_one_comparison(demo_2024, monkeypatch):
    """Compared block by block (a region's year at once took over a minute), the near-duplicate pairs
    are (nearly all) those of comparing every title with every other, and the best ones the same."""
    suggestions, places = demo_2024
    whole = topics.similar_titles(suggestions, places, limit=1_000_000)
    monkeypatch.setattr(topics, "MAX_BLOCK", 300)
    sizes, compare = [], topics._similarity
    monkeypatch.setattr(topics, "_similarity", lambda texts, words: sizes.append(len(texts)) or compare(texts, words))
    blocked = topics.similar_titles(suggestions, places, limit=1_000_000)
    assert len(sizes) > 4 and max(sizes) <= 300  # in blocks, never all titles at once
    pairs = lambda frame: {frozenset(p) for p in zip(frame["suggestion_id_a"], frame["suggestion_id_b"])}  # noqa: E731
    assert whole.height > 1000
    assert pairs(blocked) <= pairs(whole)  # nothing found that is not a near-duplicate
    assert len(pairs(blocked)) >= 0.95 * len(pairs(whole))  # 64,433 of 65,484 here
    assert pairs(whole.head(200)) <= pairs(blocked)  # and the most alike, those shown, all found
