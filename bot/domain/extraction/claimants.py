"""Who claims a number in a sentence, who relays it, the hedge words and a suggested status.

Rules over the patterns wire copy uses: "according to X", "X said", "said X", "X told …",
"X, citing Y" (Y originated, X relayed). A sentence without a named claimant inherits the
previous sentence's, as copy does ("He said …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.entries import Status

# A claimant: a capitalised name (possibly possessive, with "the"), with an optional tail
# of organisation nouns ("South Korea's spy agency", "A Pentagon spokesman"), or a vague
# source ("Ukrainian military sources", "Russian milbloggers").
_ORG_TAIL = (
    r"(?:\s*\b(?:spy|intelligence|military|defen[cs]e|foreign|agency|ministry|service|"
    r"spokesman|spokeswoman|spokesperson|official|chief|head|office|command|prosecutor|"
    r"general['’]s)\b)*"
)
_NAME = (
    r"(?:(?:the|a|an)\s+)?(?:(?:unnamed|anonymous|senior|two|several|western|military|"
    r"intelligence|government|defen[cs]e|U\.S\.|US|South\s+Korean|Ukrainian|Russian|"
    r"North\s+Korean|NATO|Pentagon)\s+)*(?:\d+\s+(?=[A-Z]))?"
    r"(?:[A-Z][\w'’.-]*(?:\s+(?:of|for|de|and)\s+|\s+|['’]s\s+)?){1,7}" + _ORG_TAIL
)
_VAGUE = (
    r"(?:(?:unnamed|anonymous|several|two|three|western|military|intelligence|senior|"
    r"Ukrainian|Russian|South\s+Korean|US|U\.S\.|government)\s+)*"
    r"(?i:officials?|sources?|analysts?|experts?|milbloggers|bloggers|diplomats|commanders|"
    r"prosecutors|investigators|researchers|authorities)\b"
)
_SAY = (
    r"(?:said|says|told|estimated|reported|claimed|stated|suggest|suggests|verified|"
    r"announced|confirmed|assessed|assesses|believes|believed|added|wrote|"
    r"warned|noted|alleged|denied|put the number at|put the figure at)"
)
_WHO = rf"(?P<orig>{_VAGUE}|{_NAME})"
# Between a subject and its verb: "(HUR)" or an apposition ", the head of HUR,".
_ASIDE = r"(?:\s*\([^)]{1,40}\))?(?:\s*,[^,]{1,70},)?"
_CITING = re.compile(
    rf"(?P<relay>{_NAME}|{_VAGUE}){_ASIDE},?\s+(?:citing|quoting)\s+(?P<orig>{_VAGUE}|{_NAME})"
)
_ACCORDING = re.compile(rf"(?:[Aa]ccording\s+to|analy[sz]ed\s+by|compiled\s+by)\s+{_WHO}")
_SUBJECT_SAYS = re.compile(rf"{_WHO}{_ASIDE}\s+(?:(?:has|have|had)\s+)?{_SAY}\b")
_SAYS_SUBJECT = re.compile(rf"\b(?:said|says)\s+{_WHO}")
_TAIL_SAYS = re.compile(rf",\s*{_WHO}\s+(?:said|says|added)\.?[\"”]?$")
# Every pattern below needs one of these words; a sentence without any names nobody.
_CUE = re.compile(
    rf"\b{_SAY}\b|\b(?:according|citing|quoting|analy[sz]ed|compiled)\b|{_VAGUE}", re.I
)
_VAGUE_SOURCE = re.compile(rf"(?P<orig>{_VAGUE})")
_NOT_NAMES = re.compile(
    r"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December)\b"
)
_PRONOUN = re.compile(r"^(?:He|She|They|It|We|I|This|That|The|A|An|But|And|In|On)$")
_TRAIL = re.compile(r"(?:\s+(?:on|in|at|and|that|of|for|to|the|The|On|In))+$")

HEDGES = (
    "reportedly", "allegedly", "claimed", "claims", "unconfirmed", "could not be independently "
    "verified", "could not be verified", "may", "might", "could", "possibly", "believed",
    "estimated", "purportedly", "unverified", "is said to", "are said to", "suggests",
)  # fmt: skip
_HEDGE = re.compile(r"\b(?:" + "|".join(re.escape(h) for h in HEDGES) + r")\b", re.I)
_CONFIRM = re.compile(r"\b(?:confirmed|confirms|verified|official figures?|officially)\b", re.I)
_DENY = re.compile(r"\b(?:denied|denies|rejected|dismissed)\b", re.I)
_DISPUTE = re.compile(r"\b(?:disputed|disputes|contested|contradicts?)\b", re.I)
_UNCONFIRMED = re.compile(
    r"\b(?:claimed|claims|unconfirmed|unverified|could not be (?:independently )?verified|"
    r"allegedly|purportedly|may have|might have|possibly)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Claim:
    """Who stands behind a number: originator, relays, the hedge words and a status."""

    claimant: str
    relays: tuple[str, ...]
    hedge: tuple[str, ...]
    status: Status


def _clean(name: str) -> str:
    name = re.sub(r"^(?:the|a|an)\s+", "", name.strip(" ,.;:"), flags=re.I)
    name = _TRAIL.sub("", name).strip(" ,.;:")
    return re.sub(r"['’]s$", "", name)


def _valid(name: str) -> bool:
    first = name.split()[0] if name.split() else ""
    return bool(first) and not _PRONOUN.match(first) and not _NOT_NAMES.match(first)


def _named(sentence: str) -> str | None:
    for pattern in (_ACCORDING, _VAGUE_SOURCE, _SUBJECT_SAYS, _SAYS_SUBJECT):
        for hit in pattern.finditer(sentence):
            name = _clean(hit.group("orig"))
            if _valid(name):
                return name
    return None


def find_claimant(sentence: str) -> tuple[str, tuple[str, ...]] | None:
    """``(originator, relays)`` named in the sentence, or None.

    "X, citing Y" and "X said that Y believed" make Y the originator and X a relay; a
    closing ", X said." relays whatever the sentence attributes before it.
    """
    if not _CUE.search(sentence):
        return None  # no attribution word at all: skip the costly patterns
    hit = _CITING.search(sentence)
    if hit is not None:
        orig, relay = _clean(hit.group("orig")), _clean(hit.group("relay"))
        if _valid(orig):
            return orig, ((relay,) if _valid(relay) else ())
    tail = _TAIL_SAYS.search(sentence)
    body = sentence[: tail.start()] if tail else sentence
    outer = _named(body)
    if outer is not None:
        clause = re.search(r"\bthat\s+(.*)$", body[body.find(outer) + len(outer) :])
        inner = _named(clause.group(1)) if clause else None
        if inner is not None and inner != outer:
            return inner, (outer,)
    if tail is not None:
        relay = _clean(tail.group("orig"))
        if outer is not None and _valid(relay):
            return outer, (relay,)
        if _valid(relay):
            return relay, ()
    return (outer, ()) if outer is not None else None


def classify(sentence: str, claimant: str) -> Claim | None:
    """Hedge words and a suggested status for a number in ``sentence`` (None: no claimant)."""
    if not claimant:
        return None
    hedge = tuple(dict.fromkeys(h.group(0).lower() for h in _HEDGE.finditer(sentence)))
    return Claim(claimant, (), hedge, suggest_status(sentence))


def suggest_status(sentence: str) -> Status:
    """A status for the editor to check: the text's own words decide, "reported" otherwise."""
    if _DENY.search(sentence):
        return Status.DENIED
    if _DISPUTE.search(sentence):
        return Status.DISPUTED
    if _UNCONFIRMED.search(sentence):
        return Status.UNCONFIRMED
    if _CONFIRM.search(sentence):
        return Status.CONFIRMED
    return Status.REPORTED
