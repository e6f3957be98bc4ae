#!/usr/bin/env python3
"""Runs two open-source duplicate detectors on a labelled file and prints them beside Rooftop's.

Called by scripts/dedup-compare (which makes the virtualenv and runs `rooftop duplicates evaluate`);
not meant to be run by hand, but it can be, with the venv's python:

    dedup_baselines.py FILE [--rooftop-report OUT --rooftop-seconds S] [--only recordlinkage|splink]

FILE is FEBRL (`rec_id, given_name, surname, …`; records sharing N in rec-N-… are one person;
soc_sec_id is dropped on reading and never used) or the generator's labelled CSV
(`record_id,entity,first_name,…,birth_date`; equal entity = one person).

Baselines, each configured as its documentation's own de-duplication examples are (values are
trimmed, lower-cased and accent-folded first; phones are the last 10 digits):
- recordlinkage: a union of blocks (FEBRL: given name, surname, postcode, birth date alone; the
  labelled CSV: the Splink rules below, as single name or postcode keys give 5 million pairs),
  binary comparison vectors (Jaro-Winkler >= 0.85 for names, Levenshtein similarity >= 0.85 for
  the street, exact for the rest), the unsupervised ECM classifier.
- Splink (DuckDB): Fellegi-Sunter with comparison_library comparisons, prior from deterministic
  rules, u from random sampling, m by EM on two blocking rules, predict() at match probability 0.5
  (0.999 shown too, from the same scores).

Figures are pairwise over ALL true pairs of the file (every pair of records with the same label),
so pairs a blocking step never compared count as missed. Seconds are wall-clock, from reading the
file to the predicted pairs (library import excluded).
"""
import argparse
import logging
import re
import sys
import time
import unicodedata
import warnings

import numpy as np
import pandas as pd

PLAIN_COLUMNS = ["record_id", "entity", "first_name", "last_name", "email", "phone", "street", "city", "state",
                 "postal_code", "birth_date"]
FEBRL_COLUMNS = ["rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode",
                 "state", "date_of_birth"]


class InputError(Exception):
    pass


# ---------------------------------------------------------------- reading


def file_format(path):
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        header = [c.strip() for c in f.readline().rstrip("\r\n").split(",")]
    if header and header[0] == "rec_id":
        missing = [c for c in FEBRL_COLUMNS if c not in header]
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
        return "FEBRL"
    if header == PLAIN_COLUMNS:
        return "labelled CSV"
    raise InputError(f"{path}: the header is neither FEBRL (rec_id, given_name, surname, …) nor {','.join(PLAIN_COLUMNS)}")


def fold(value):
    """Lower case, accents removed, inner white space collapsed; None when empty."""
    if not isinstance(value, str):
        return None
    value = unicodedata.normalize("NFKD", value)
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = " ".join(value.lower().split())
    return value or None


def digits(value, keep=None):
    if not isinstance(value, str):
        return None
    d = re.sub(r"\D", "", value)
    if keep:
        d = d[-keep:]
    return d or None


def read(path):
    """The file as a frame with `uid` (0…n-1), `label` and cleaned text columns (None when empty)."""
    fmt = file_format(path)
    if fmt == "FEBRL":
        # usecols: soc_sec_id is never even read.
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig",
                          usecols=lambda c: c.strip() in FEBRL_COLUMNS)
        raw.columns = [c.strip() for c in raw.columns]
        raw = raw.apply(lambda col: col.str.strip())
        raw = raw[raw["rec_id"] != ""].drop_duplicates("rec_id")
        df = pd.DataFrame({"label": raw["rec_id"].map(lambda r: r.split("-")[1] if r.count("-") >= 1 else r)})
        for c in ["given_name", "surname", "address_1", "address_2", "suburb", "state"]:
            df[c] = raw[c].map(fold)
        for c in ["street_number", "postcode", "date_of_birth"]:
            df[c] = raw[c].map(lambda v: v or None)
    else:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        raw = raw.apply(lambda col: col.str.strip())
        raw = raw[(raw["record_id"] != "") & (raw["entity"] != "")].drop_duplicates("record_id")
        df = pd.DataFrame({"label": raw["entity"]})
        for c in ["first_name", "last_name", "street", "city", "state"]:
            df[c] = raw[c].map(fold)
        df["email"] = raw["email"].map(fold)
        df["phone"] = raw["phone"].map(lambda v: digits(v, keep=10))
        df["postal_code"] = raw["postal_code"].map(lambda v: (digits(v) or "")[:5] or None)
        df["birth_date"] = raw["birth_date"].map(lambda v: v or None)
    df = df.reset_index(drop=True)
    df.insert(0, "uid", np.arange(len(df), dtype=np.int64))
    return fmt, df


# ---------------------------------------------------------------- scoring


class Truth:
    def __init__(self, labels):
        codes, _ = pd.factorize(pd.Series(labels))
        self.codes = np.asarray(codes)
        sizes = np.bincount(self.codes)
        self.true_pairs = int((sizes * (sizes - 1) // 2).sum())

    def true_among(self, left, right):
        left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
        lo, hi = np.minimum(left, right), np.maximum(left, right)
        keep = lo != hi
        pairs = np.unique(np.stack([lo[keep], hi[keep]], axis=1), axis=0) if keep.any() else np.empty((0, 2), np.int64)
        return len(pairs), int((self.codes[pairs[:, 0]] == self.codes[pairs[:, 1]]).sum())


def row(system, predicted, true_positives, truth, seconds, compared=None):
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / truth.true_pairs if truth.true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return dict(system=system, predicted=predicted, tp=true_positives, precision=precision, recall=recall, f1=f1,
                seconds=seconds, compared=compared)


# ---------------------------------------------------------------- rooftop (figures from its own report)


def rooftop_rows(report_path, seconds, truth):
    text = open(report_path, encoding="utf-8").read()
    rows = []
    candidates = re.search(r"^candidate pairs (\d+) \(true pairs among them (\d+)\)", text, re.M)
    compared = (int(candidates.group(1)), int(candidates.group(2))) if candidates else None
    true_pairs = re.search(r"^true pairs (\d+)", text, re.M)
    if true_pairs and int(true_pairs.group(1)) != truth.true_pairs:
        print(f"warning: rooftop counts {true_pairs.group(1)} true pairs, the baselines {truth.true_pairs}", file=sys.stderr)
    for m in re.finditer(r"^(\S+) threshold (\S+) \((\d+) pairs predicted, (\d+) true\)\nprecision (\S+)\nrecall (\S+)\nF1 (\S+)",
                         text, re.M):
        name, threshold, predicted, tp, precision, recall, f1 = m.groups()
        rows.append(dict(system=f"rooftop {name} p>={threshold}", predicted=int(predicted), tp=int(tp),
                         precision=float(precision), recall=float(recall), f1=float(f1), seconds=seconds, compared=compared))
    if not rows:
        raise InputError(f"no figures found in rooftop's report {report_path}")
    return rows


# ---------------------------------------------------------------- recordlinkage


def run_recordlinkage(path, truth):
    import recordlinkage

    start = time.perf_counter()
    fmt, df = read(path)
    df = df.set_index("uid")
    indexer = recordlinkage.Index()
    compare = recordlinkage.Compare()
    if fmt == "FEBRL":
        keys = ["given_name", "surname", "postcode", "date_of_birth"]
        compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
        compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
        compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
        compare.exact("street_number", "street_number", label="street_number")
        compare.string("address_1", "address_1", method="levenshtein", threshold=0.85, label="address_1")
        compare.exact("suburb", "suburb", label="suburb")
        compare.exact("postcode", "postcode", label="postcode")
        compare.exact("state", "state", label="state")
    else:
        # The same blocks as the Splink run below (single name or postcode keys give 5 million pairs).
        # Geography is compared through the postcode alone: city and state follow from it, and ECM
        # assumes conditionally independent fields (with them in, it finds a wrong split).
        keys = [["first_name", "last_name"], ["last_name", "birth_date"], ["first_name", "birth_date"],
                ["postal_code", "first_name"], ["postal_code", "last_name"], "email", "phone"]
        compare.string("first_name", "first_name", method="jarowinkler", threshold=0.85, label="first_name")
        compare.string("last_name", "last_name", method="jarowinkler", threshold=0.85, label="last_name")
        compare.exact("birth_date", "birth_date", label="birth_date")
        compare.exact("email", "email", label="email")
        compare.exact("phone", "phone", label="phone")
        compare.string("street", "street", method="levenshtein", threshold=0.85, label="street")
        compare.exact("postal_code", "postal_code", label="postal_code")
    for key in keys:
        indexer.block(key)  # a union: a pair is a candidate when any one key is equal
    candidates = indexer.index(df)
    if len(candidates):
        features = compare.compute(candidates, df)
        matches = recordlinkage.ECMClassifier(binarize=None).fit_predict(features.astype(int))
    else:
        matches = candidates
    seconds = time.perf_counter() - start
    compared = truth.true_among(candidates.get_level_values(0), candidates.get_level_values(1))
    predicted, tp = truth.true_among(matches.get_level_values(0), matches.get_level_values(1))
    return [row("recordlinkage ECM", predicted, tp, truth, seconds, compared)]


# ---------------------------------------------------------------- Splink


def run_splink(path, truth):
    import splink
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    start = time.perf_counter()
    fmt, df = read(path)
    df = df.drop(columns=["label"]).rename(columns={"uid": "unique_id"})
    if fmt == "FEBRL":
        # As Splink's febrl3 example, without soc_sec_id (and with the address and suburb compared too).
        blocking = [block_on("given_name"), block_on("surname"), block_on("date_of_birth"), block_on("postcode")]
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
        deterministic = [block_on("given_name", "surname", "date_of_birth"),
                         "l.given_name = r.surname and l.surname = r.given_name and l.date_of_birth = r.date_of_birth"]
        recall = 0.9
        em_rules = [block_on("date_of_birth"), block_on("postcode")]
    else:
        # As Splink's deduplicate_50k_synthetic example, with this format's columns.
        blocking = [block_on("first_name", "last_name"), block_on("last_name", "birth_date"),
                    block_on("first_name", "birth_date"), block_on("postal_code", "first_name"),
                    block_on("postal_code", "last_name"), block_on("email"), block_on("phone")]
        comparisons = [
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone"),
            cl.JaroWinklerAtThresholds("street", [0.9, 0.7]),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("postal_code", [1]),
        ]
        deterministic = [block_on("first_name", "last_name", "birth_date"), block_on("email")]
        recall = 0.7
        em_rules = [block_on("first_name", "last_name"), block_on("birth_date")]
    settings = SettingsCreator(link_type="dedupe_only", blocking_rules_to_generate_predictions=blocking, comparisons=comparisons)
    db_api = DuckDBAPI()
    if hasattr(db_api, "register"):  # Splink 5: tables are registered first
        linker = Linker(db_api.register(df), settings, log_level=logging.ERROR)
    else:  # Splink 4
        linker = Linker(df, settings, db_api, set_up_basic_logging=False)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in em_rules:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as error:  # e.g. no pair in a small file: the other rule (or the defaults) stand
            print(f"dedup_baselines: splink EM skipped: {str(error).splitlines()[0]}", file=sys.stderr)
    # Every blocked pair, scored: the 0.5 and 0.999 rows are two thresholds on the same scores.
    scored = linker.inference.predict().as_pandas_dataframe()[["unique_id_l", "unique_id_r", "match_probability"]]
    seconds = time.perf_counter() - start
    compared = truth.true_among(scored["unique_id_l"], scored["unique_id_r"])
    rows = []
    for threshold in (0.5, 0.999):
        hit = scored[scored["match_probability"] >= threshold]
        predicted, tp = truth.true_among(hit["unique_id_l"], hit["unique_id_r"])
        rows.append(row(f"splink {splink.__version__} p>={threshold}", predicted, tp, truth, seconds, compared))
    return rows


# ---------------------------------------------------------------- table


def print_table(title, rows):
    header = ["system", "predicted", "true", "precision", "recall", "F1", "compared (true)", "seconds"]
    body = []
    for r in rows:
        compared = "" if r["compared"] is None else f"{r['compared'][0]} ({r['compared'][1]})"
        body.append([r["system"], str(r["predicted"]), str(r["tp"]), f"{r['precision']:.4f}", f"{r['recall']:.4f}",
                     f"{r['f1']:.4f}", compared, "" if r["seconds"] is None else f"{r['seconds']:.1f}"])
    widths = [max(len(x[i]) for x in [header] + body) for i in range(len(header))]
    print(title)
    for line in [header] + body:
        print("  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(line)).rstrip())
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    parser.add_argument("--rooftop-report", help="the output of `rooftop duplicates evaluate FILE`")
    parser.add_argument("--rooftop-seconds", type=float)
    parser.add_argument("--only", choices=["recordlinkage", "splink"])
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    try:
        fmt, df = read(args.file)
    except (OSError, InputError, pd.errors.ParserError, UnicodeDecodeError) as error:
        print(f"dedup_baselines: {error}", file=sys.stderr)
        return 1
    truth = Truth(df["label"])
    rows = rooftop_rows(args.rooftop_report, args.rooftop_seconds, truth) if args.rooftop_report else []
    status = 0
    for name, run in [("recordlinkage", run_recordlinkage), ("splink", run_splink)]:
        if args.only in (None, name):
            print(f"== {name} on {args.file}", file=sys.stderr, flush=True)
            try:
                rows += run(args.file, truth)
            except Exception as error:  # one baseline failing leaves the other's row
                print(f"dedup_baselines: {name} failed on {args.file}: {type(error).__name__}: {str(error).splitlines()[0]}", file=sys.stderr)
                status = 1
    print_table(f"{args.file} ({fmt}): {len(df)} records, {truth.true_pairs} true pairs", rows)
    return status


if __name__ == "__main__":
    sys.exit(main())
