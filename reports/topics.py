"""What deputies raise most (代表反映集中的问题, 第二十七条): suggestion titles → topics.

1. Each title is cut to its content: "关于" / "的建议" and the like, bracketed text and digits go; place
   names go (the counties and prefectures the warehouse knows, and any word jieba cuts that ends in
   县/市/区/州/乡/镇/街道); jieba segments the rest with a small domain dictionary (家室站, 民生实事,
   乡村振兴, 村卫生室, 高标准农田 …); the verbs every suggestion uses (加快, 推进, 加强, 解决 …) and words
   found in a large share of all titles carry no topic and go too.
2. Titles with the same content are one item. Two items are near-duplicates when their content words
   overlap (Dice coefficient of the word sets) or their content text is alike (rapidfuzz Indel ratio on
   the characters) at or above `threshold`.
3. Topics are built by average linkage over the items (merge the two groups whose mean similarity is
   highest, while it is at least `threshold`), so one shared generic word cannot chain unrelated groups.

Deputies' public titles only; nothing about constituents. Everything is deterministic.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import polars as pl
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

DOMAIN_WORDS = (
    "家室站", "代表之家", "代表工作室", "代表联络站", "民生实事", "乡村振兴", "村卫生室", "乡镇卫生院", "卫生院",
    "高标准农田", "冷链", "冷链物流", "庭院经济", "老旧小区", "集中供热", "供暖", "灌溉", "灌区", "渠系", "饮水安全",
    "自来水", "城乡公交", "公交", "农村公路", "乡村公路", "校车", "乡村教师", "教师编制", "转移就业", "高校毕业生",
    "幸福院", "农贸市场", "食品安全", "草原生态", "生活垃圾", "垃圾", "文化活动室", "产业园区", "乡村旅游",
    "社区服务中心", "学前教育", "职业教育", "养老服务", "人居环境", "防洪", "棉花", "林果", "葡萄", "坎儿井",
    "义务教育", "医保", "村医", "供水管网", "上下学", "寄宿制", "边境贸易", "电梯",
)
STOPWORDS = frozenset("""
关于 建议 的 意见 议案 问题 进一步 加快 推进 加强 解决 改善 保障 完善 提升 提高 增加 优化 支持 促进 做好 落实 规范
整治 建设 开展 实施 相关 工作 和 及 与 等 为 对 在 有关 加大 扶持 发展 推动 缓解 力度 切实 尽快 着力 强化 健全
深化 全面 持续 积极 大力 稳定 充实 配备 开通 修缮 修复 维修 拓宽 打造 建立 设立 设置 落地 一些 部分 存在 难 难题
困难 不足 紧张 投入 提质 增效 质量 水平 能力 服务 设施 条件 政策 方面 我 市 县 区 州 乡 镇 村 地区 自治县 少 多
农村 农业 街道 居民 群众 城区 城乡 全市 全县 全区
""".split())
CHAR_WEIGHT = 0.75  # characters alike count a little less than words shared
PLACE_SUFFIXES = ("自治县", "自治州", "县", "市", "区", "州", "乡", "镇", "街道", "地区")
_BRACKETS = re.compile(r"[（(【\[〔].*?[）)】\]〕]")
_NOISE = re.compile(r"[0-9０-９A-Za-z、，,。.；;：:“”\"'‘’《》！!？?\s\-—]+")
_FRAME = re.compile(r"^(关于)|((的|之)?(建议|意见|议案|提案|问题的建议)+)$")


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in DOMAIN_WORDS:
        tokenizer.add_word(word, freq=200000)
    return tokenizer


def strip_places(title: str, places: tuple[str, ...]) -> str:
    for place in places:  # longest first
        title = title.replace(place, " ")
    return title


def content(title: str, places: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """(the title's content text, its content words)."""
    text = _BRACKETS.sub("", title or "")
    text = _FRAME.sub("", text.strip())
    text = _FRAME.sub("", text)
    text = strip_places(text, places)
    words = []
    for word in _jieba().lcut(_NOISE.sub(" ", text), HMM=True):
        word = word.strip()
        if not word or word in STOPWORDS:
            continue
        if len(word) >= 3 and word.endswith(PLACE_SUFFIXES) and word not in DOMAIN_WORDS:
            continue  # 阿热勒乡, 和田县: a place
        words.append(word)
    return "".join(words), words


@dataclass
class Topic:
    topic_id: int
    label: str
    suggestion_ids: list[str]
    titles: list[str]
    prefectures: list[str]
    deputies: int
    keywords: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.suggestion_ids)


def _similarity(texts: list[str], word_sets: list[frozenset[str]]) -> np.ndarray:
    """Items × items: the larger of the word Dice coefficient and the character Indel ratio (0..1)."""
    vocabulary = {word: chr(0xE000 + n) for n, word in enumerate(sorted(set().union(*word_sets)))}
    coded = ["".join(sorted(vocabulary[w] for w in words)) for words in word_sets]
    # on sorted one-character-per-word strings, the Indel ratio is the Dice coefficient of the word sets
    words = cdist(coded, coded, scorer=fuzz.ratio, dtype=np.float32, workers=1) / 100
    chars = cdist(texts, texts, scorer=fuzz.ratio, dtype=np.float32, workers=1) / 100
    return np.maximum(words, chars * CHAR_WEIGHT)


def _average_linkage(similarity: np.ndarray, threshold: float) -> list[int]:
    """Group labels by average-linkage agglomeration: repeatedly merge the two groups with the highest mean
    pairwise similarity while it is at least `threshold`. Each merge updates one row and column and the
    rows' best partners (O(n) per merge, not O(n²))."""
    n = similarity.shape[0]
    sums = similarity.astype(np.float64)
    sizes = np.ones(n)
    alive = np.ones(n, dtype=bool)
    mean = sums.copy()
    np.fill_diagonal(mean, -np.inf)
    best_of = mean.argmax(axis=1) if n else np.zeros(0, dtype=np.int64)
    best = mean[np.arange(n), best_of] if n else np.zeros(0)
    members = {i: [i] for i in range(n)}
    while n > 1:
        a = int(np.argmax(best))
        if best[a] < threshold:
            break
        b = int(best_of[a])
        a, b = min(a, b), max(a, b)
        sums[a, :] += sums[b, :]
        sums[:, a] = sums[a, :]
        sizes[a] += sizes[b]
        alive[b] = False
        members[a] += members.pop(b)
        row = np.where(alive, sums[a, :] / (sizes[a] * sizes), -np.inf)
        row[a] = -np.inf
        mean[a, :] = row
        mean[:, a] = row
        mean[b, :] = -np.inf
        mean[:, b] = -np.inf
        best[b] = -np.inf
        stale = np.nonzero(alive & ((best_of == a) | (best_of == b)))[0]
        for r in stale:
            best_of[r] = int(np.argmax(mean[r, :]))
            best[r] = mean[r, best_of[r]]
        better = alive & (row > best)
        best_of[better] = a
        best[better] = row[better]
        best_of[a] = int(np.argmax(row))
        best[a] = row[best_of[a]]
    label = [0] * n
    for group, items in members.items():
        for item in items:
            label[item] = group
    return label


MAX_BLOCK = 2500  # items compared at once (a block's similarity matrix is MAX_BLOCK² floats)


def _blocks(word_sets: list[frozenset[str]], frequency: Counter) -> list[list[int]]:
    """Items in blocks of at most MAX_BLOCK, items sharing their most frequent word kept together, so a
    year of a whole region's suggestions is grouped in bounded memory."""
    if len(word_sets) <= MAX_BLOCK:
        return [list(range(len(word_sets)))]
    by_key: dict[str, list[int]] = {}
    for item, words in enumerate(word_sets):
        key = max(sorted(words), key=lambda w: frequency[w]) if words else ""
        by_key.setdefault(key, []).append(item)
    blocks, current = [], []
    for key in sorted(by_key, key=lambda k: -len(by_key[k])):
        items = by_key[key]
        while len(items) > MAX_BLOCK:
            blocks.append(items[:MAX_BLOCK])
            items = items[MAX_BLOCK:]
        if len(current) + len(items) > MAX_BLOCK:
            blocks.append(current)
            current = []
        current += items
    return blocks + ([current] if current else [])


def group(suggestions: pl.DataFrame, places: tuple[str, ...] = (), threshold: float = 0.35,
          generic_share: float = 0.25) -> list[Topic]:
    """Topics of the suggestions (columns suggestion_id, title, prefecture_code, lead_deputy_id and optionally
    cosigner_ids), most widely raised first: by number of prefectures, then suggestions, then deputies."""
    if suggestions.height == 0:
        return []
    places = tuple(sorted({p for p in places if p}, key=len, reverse=True))
    rows = suggestions.to_dicts()
    cut = [content(row["title"], places) for row in rows]
    unique: dict[str, int] = {}
    item_of = []
    item_words: list[list[str]] = []
    for text, words in cut:
        key = text or "（无内容）"
        if key not in unique:
            unique[key] = len(unique)
            item_words.append(words)
        item_of.append(unique[key])
    # words in a large share of the items carry no topic (e.g. 农村 when every title is rural)
    frequency = Counter(word for words in item_words for word in set(words))
    generic = {word for word, n in frequency.items() if n > max(3, generic_share * len(item_words))}
    word_sets = [frozenset(w for w in words if w not in generic) or frozenset(words) for words in item_words]
    texts = ["".join(w for w in words if w not in generic) or "".join(words) for words in item_words]
    labels = [0] * len(item_words)
    for block in _blocks(word_sets, frequency):
        similarity = _similarity([texts[i] for i in block], [word_sets[i] for i in block])
        for item, group_label in zip(block, _average_linkage(similarity, threshold)):
            labels[item] = block[group_label]

    by_group: dict[int, list[int]] = {}
    for row_number, item in enumerate(item_of):
        by_group.setdefault(labels[item], []).append(row_number)
    topics = []
    for numbers in by_group.values():
        members = [rows[i] for i in numbers]
        deputies = set()
        for member in members:
            deputies.add(member.get("lead_deputy_id"))
            for other in re.split(r"[、,;，]", member.get("cosigner_ids") or ""):
                if other.strip():
                    deputies.add(other.strip())
        words = Counter(w for i in numbers for w in set(word_sets[item_of[i]]))
        keywords = [w for w, _ in words.most_common(3)]
        label = Counter(cut[i][0] for i in numbers).most_common(1)[0][0] or members[0]["title"]
        titles = [member["title"] for member in members]
        topics.append(Topic(0, label, [m["suggestion_id"] for m in members], titles,
                            sorted({m["prefecture_code"] for m in members if m.get("prefecture_code")}),
                            len(deputies - {None}), keywords))
    topics.sort(key=lambda t: (-len(t.prefectures), -t.count, -t.deputies, t.label))
    for number, topic in enumerate(topics, start=1):
        topic.topic_id = number
    return topics


def pair_scores(truth: list, predicted: list) -> tuple[float, float]:
    """Pair precision and recall of a grouping: over all pairs of items, those put together that belong
    together ÷ those put together, and ÷ those that belong together."""
    def pairs(labels) -> int:
        return sum(n * (n - 1) // 2 for n in Counter(labels).values())

    both = pairs(list(zip(truth, predicted)))
    together, belong = pairs(predicted), pairs(truth)
    return (both / together if together else 1.0), (both / belong if belong else 1.0)


def similar_titles(suggestions: pl.DataFrame, places: tuple[str, ...] = (), threshold: float = 0.8,
                   limit: int = 200) -> pl.DataFrame:
    """Pairs of suggestions whose contents are near-duplicates (相似建议, to help 合并交办), most alike first."""
    empty = pl.DataFrame(schema={"suggestion_id_a": pl.String, "title_a": pl.String, "suggestion_id_b": pl.String,
                                 "title_b": pl.String, "similarity": pl.Float64})
    if suggestions.height < 2:
        return empty
    places = tuple(sorted({p for p in places if p}, key=len, reverse=True))
    rows = suggestions.to_dicts()
    cut = [content(row["title"], places) for row in rows]
    word_sets = [frozenset(words) for _, words in cut]
    # Compared block by block like group(): near-duplicates share their most frequent word, so they
    # meet in one block (a region's year at once was 30k x 30k comparisons, over a minute).
    frequency = Counter(word for words in word_sets for word in words)
    found: list[tuple[float, int, int]] = []
    for block in _blocks(word_sets, frequency):
        similarity = _similarity([cut[i][0] for i in block], [word_sets[i] for i in block])
        a, b = np.nonzero(np.triu(similarity >= threshold, k=1))
        found += [(float(similarity[x, y]), block[x], block[y]) for x, y in zip(a, b)]
    if not found:
        return empty
    found.sort(key=lambda pair: -pair[0])  # stable: equal scores keep their order
    top = found[:limit]
    return pl.DataFrame({
        "suggestion_id_a": [rows[a]["suggestion_id"] for _, a, _ in top], "title_a": [rows[a]["title"] for _, a, _ in top],
        "suggestion_id_b": [rows[b]["suggestion_id"] for _, _, b in top], "title_b": [rows[b]["title"] for _, _, b in top],
        "similarity": [round(score, 3) for score, _, _ in top],
    })
