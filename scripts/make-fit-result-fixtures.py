#!/usr/bin/python3
"""Writes the fit-result fixtures in fixtures/fit-results/ with the reference tools, not with
hist-serial: pyhf (the vendored copy in ../shared/tools/pyhf) builds the likelihoods, iminuit
(MIGRAD, HESSE, MINOS, profiles) fits them, and this script writes what they report in
hist-serial's fit-result layout (schema/fit-result/1, spec.md section 7). tests/fit-result.test.ts
then reads every file with hist-serial, and Python's jsonschema checks them against the schema.

    /usr/bin/python3 scripts/make-fit-result-fixtures.py     # then: npm run build && npm run fixtures

Needs Debian's python3-numpy, python3-scipy, python3-jsonschema and python3-iminuit, and the
../shared folder beside the project. Deterministic: the same inputs and versions give the same bytes
(the fit date is fixed, below; no timings are recorded). `npm run fixtures` afterwards records the
sha256 of every file in fixtures/manifest.json and writes the .hsb twin of covariance.large.json.

Sources of the numbers:
- example_bkgonly.json (pyhf tests/test_patchset, measurement GaussExample): parameters, Hesse,
  MINOS, covariance, scans, intervals, pulls, goodness of fit, provenance, several fits.
- workspace.32-bin.json, written here from a seeded generator: a 36-parameter model whose
  covariance is large enough to be stored out of band.
- hypotest.cls.json: pyhf's own CLs scans tests/contrib/test_viz/hypotest_results.json and
  tail_probs_hypotest_results.json (../shared/reference/pyhf/examples/results), converted; their
  upper limits interpolated with pyhf's own function.
"""
import hashlib
import json
import math
import os
import platform
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(HERE)
SHARED = os.path.join(PROJECT, "..", "shared")
sys.path.insert(0, os.path.join(SHARED, "tools", "pyhf", "src"))

import iminuit  # noqa: E402
import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.stats  # noqa: E402
import pyhf  # noqa: E402
from pyhf.infer.intervals import upper_limits  # noqa: E402

warnings.filterwarnings("ignore")
OUT = os.path.join(PROJECT, "fixtures", "fit-results")
DATE = "2026-08-20T12:00:00Z"  # fixed, so the files are reproducible
ONE_SIGMA = 0.6826894921370859
PYHF_COMMIT = "b3dc4bb20a5ee8495718bba1efaa86e9f9fce074"
REF = os.path.join(SHARED, "reference", "pyhf")

pyhf.set_backend("numpy")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def f(x):
    """A JSON number: a Python float (NaN and infinities stay, written as Python's tokens)."""
    return float(x)


def software():
    return [
        {"name": "pyhf", "version": pyhf.__version__},
        {"name": "iminuit", "version": iminuit.__version__},
        {"name": "numpy", "version": np.__version__},
        {"name": "scipy", "version": scipy.__version__},
        {"name": "python", "version": platform.python_version()},
    ]


# --- JSON output: indented, arrays of numbers on one line ------------------------------------

def dumps(value, indent=0):
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f'{pad}  {json.dumps(k)}: {dumps(v, indent + 1)}' for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(json.dumps(v) for v in value) + "]"
        items = [f"{pad}  {dumps(v, indent + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value)


def write(name, doc):
    path = os.path.join(OUT, name)
    with open(path, "w") as fh:
        fh.write(dumps(doc) + "\n")
    print(f"wrote fixtures/fit-results/{name}")


# --- fitting a pyhf model with iminuit -------------------------------------------------------

class Fit:
    """MIGRAD + HESSE (+ MINOS on request) of -2 ln L of a pyhf model, errordef 1, tight tolerance."""

    def __init__(self, model, data, fixed_values=None, minos=False, strategy=1, tolerance=1e-4):
        self.model, self.data = model, data
        self.names = list(model.config.par_names)
        self.init = [float(x) for x in model.config.suggested_init()]
        self.bounds = [tuple(float(b) for b in bb) for bb in model.config.suggested_bounds()]
        self.fixed = list(model.config.suggested_fixed())
        start = list(self.init)
        for name, value in (fixed_values or {}).items():
            k = self.names.index(name)
            self.fixed[k], start[k] = True, value
        self.m = iminuit.Minuit(self.twice_nll, start, name=self.names)
        self.m.errordef = iminuit.Minuit.LEAST_SQUARES
        self.m.limits = self.bounds
        for k, fx in enumerate(self.fixed):
            self.m.fixed[k] = fx
        self.m.strategy = strategy
        self.m.tol = tolerance  # MIGRAD stops at EDM < 0.002 x tol x errordef
        self.m.migrad()
        self.m.hesse()
        if minos:
            self.m.minos()

    def twice_nll(self, pars):
        return float(-2 * self.model.logpdf(np.asarray(pars), self.data)[0])

    def values(self):
        return np.asarray(self.m.values)

    def constraint(self, k):
        """(type, center, width) of parameter k's constraint, or None."""
        name = self.names[k].split("[")[0]
        ps = self.model.config.param_set(name)
        if not getattr(ps, "constrained", False):
            return None
        i = int(self.names[k].split("[")[1][:-1]) if "[" in self.names[k] else 0
        kind = {"normal": "gaussian", "poisson": "poisson"}[ps.pdf_type]
        center = 1.0 if kind == "poisson" else float(ps.auxdata[i])
        return kind, center, float(ps.width()[i])

    def parameters(self, hesse=True, minos=False, constraints=True):
        poi = self.model.config.poi_name
        out = []
        for k, name in enumerate(self.names):
            p = {"name": name, "value": f(self.m.values[k])}
            if hesse:
                p["error"] = 0.0 if self.m.fixed[k] else f(self.m.errors[k])
            if minos and name in self.m.merrors:
                me = self.m.merrors[name]
                p["minos"] = {"lower": f(me.lower), "upper": f(me.upper), "lower_valid": bool(me.lower_valid), "upper_valid": bool(me.upper_valid), "cl": ONE_SIGMA}
            lo, hi = self.bounds[k]
            p["bounds"] = {"lower": lo, "upper": hi}
            if self.m.fixed[k]:
                p["fixed"] = True
            p["initial_value"] = self.init[k]
            c = self.constraint(k) if constraints else None
            if c:
                p["constraint"] = {"type": c[0], "center": c[1], "width": c[2]}
            if name == poi:
                p["poi"] = True
            out.append(p)
        return out

    def minimum(self):
        return {"objective": "twice_nll", "value": f(self.m.fmin.fval), "edm": f(self.m.fmin.edm), "errordef": f(self.m.errordef)}

    def status(self):
        fm = self.m.fmin
        flags = {k: bool(getattr(fm, k)) for k in (
            "is_valid", "has_valid_parameters", "has_accurate_covar", "has_posdef_covar", "has_made_posdef_covar",
            "hesse_failed", "has_covariance", "is_above_max_edm", "has_reached_call_limit", "has_parameters_at_limit")}
        quality = 3 if fm.has_accurate_covar else 2 if fm.has_made_posdef_covar else 1 if fm.has_covariance else 0
        return {"valid": bool(fm.is_valid), "covariance_quality": quality, "flags": flags}

    def minimizer(self):
        return {"name": "iminuit", "version": iminuit.__version__, "algorithm": "migrad", "strategy": int(self.m.strategy.strategy),
                "tolerance": f(self.m.tol), "calls": int(self.m.nfcn)}

    def covariance(self):
        return [[f(x) for x in row] for row in np.asarray(self.m.covariance)]

    def correlation(self):
        return [[f(x) for x in row] for row in np.asarray(self.m.covariance.correlation())]


def fit_result(**fields):
    return {"fit_result_schema": 1, **fields}


# --- example_bkgonly.json --------------------------------------------------------------------

def bkgonly():
    path = os.path.join(REF, "examples", "workspaces", "example_bkgonly.json")
    with open(path) as fh:
        ws = pyhf.Workspace(json.load(fh))
    model = ws.model(measurement_name="GaussExample")
    data = ws.data(model)
    provenance = {
        "model": {
            "format": "pyhf",
            "name": "example_bkgonly",
            "uri": f"https://github.com/scikit-hep/pyhf/blob/{PYHF_COMMIT}/tests/test_patchset/example_bkgonly.json",
            "sha256": sha256(path),
            "measurement": "GaussExample",
        },
        "data": {"name": "observations", "asimov": False},
        "software": software(),
        "date": DATE,
        "command": "python3 scripts/make-fit-result-fixtures.py",
    }
    return model, data, provenance


def main():
    os.makedirs(OUT, exist_ok=True)
    model, data, provenance = bkgonly()
    fit = Fit(model, data, minos=True, strategy=2)
    poi = model.config.poi_name
    k_poi = fit.names.index(poi)

    # parameters with Hesse errors, the minimum, the minimizer
    write("parameters.hesse.json", fit_result(
        parameters=fit.parameters(),
        minimum=fit.minimum(),
        status=fit.status(),
        minimizer=fit.minimizer(),
    ))

    # MINOS errors
    write("minos.json", fit_result(parameters=fit.parameters(minos=True), minimum=fit.minimum(), status=fit.status()))

    # covariance and correlation, inline (7 x 7; the fixed lumi has a zero row)
    write("covariance.inline.json", fit_result(
        parameters=fit.parameters(),
        minimum=fit.minimum(),
        covariance={"values": fit.covariance()},
        correlation={"values": fit.correlation()},
    ))

    # 1-d scans of the POI: profiled (MINOS-style, others refitted) and fixed (others at the minimum)
    bound = (0.0, 3.0)
    x, y, _ = fit.m.mnprofile(poi, size=31, bound=bound)
    fmin = fit.m.fmin.fval
    px, py = fit.m.profile(poi, size=31, bound=bound, subtract_min=True)
    scan_profiled = {"name": f"{poi} profile", "axes": [{"parameter": poi, "points": [f(v) for v in x]}],
                     "quantity": "twice_delta_nll", "profiled": True, "values": [f(v - fmin) for v in y]}
    write("scan.1d.json", fit_result(
        parameters=fit.parameters(constraints=False),
        minimum=fit.minimum(),
        scans=[scan_profiled,
               {"name": f"{poi} scan, others fixed", "axes": [{"parameter": poi, "points": [f(v) for v in px]}],
                "quantity": "twice_delta_nll", "profiled": False, "values": [f(v) for v in py]}],
    ))

    # 2-d profile scan: POI x syst1, every point a fit of the other parameters
    gx = np.linspace(0.0, 3.0, 13)
    gy = np.linspace(-2.5, 2.5, 11)
    grid = []
    for vx in gx:
        row = []
        for vy in gy:
            g = Fit(model, data, fixed_values={poi: float(vx), "syst1": float(vy)})
            row.append(f(g.m.fmin.fval - fmin))
        grid.append(row)
    write("scan.2d.json", fit_result(
        parameters=fit.parameters(constraints=False),
        minimum=fit.minimum(),
        scans=[{"name": f"{poi} vs syst1", "axes": [{"parameter": poi, "points": [f(v) for v in gx]}, {"parameter": "syst1", "points": [f(v) for v in gy]}],
                "quantity": "twice_delta_nll", "profiled": True, "values": grid}],
    ))

    # intervals on the POI: Hesse, MINOS (68.27%), the profile scan's 95% crossings, the CLs limit
    v, e = float(fit.m.values[k_poi]), float(fit.m.errors[k_poi])
    me = fit.m.merrors[poi]
    fine_x, fine_y, _ = fit.m.mnprofile(poi, size=301, bound=bound)
    q = fine_y - fmin
    level = scipy.stats.chi2.ppf(0.95, 1)
    i0 = int(np.argmin(q))
    # without a crossing inside the scanned range, the interval ends at the parameter's bound
    left = float(np.interp(level, q[:i0 + 1][::-1], fine_x[:i0 + 1][::-1])) if q[0] > level else bound[0]
    right = float(np.interp(level, q[i0:], fine_x[i0:])) if q[-1] > level else bound[1]
    obs_limit, _exp = upper_limits.upper_limit(data, model, scan=np.linspace(0, 3, 31), level=0.05)
    write("intervals.json", fit_result(
        parameters=fit.parameters(hesse=True, minos=True, constraints=False),
        intervals=[
            {"parameter": poi, "cl": ONE_SIGMA, "method": "hesse", "lower": f(v - e), "upper": f(v + e)},
            {"parameter": poi, "cl": ONE_SIGMA, "method": "minos", "lower": f(v + me.lower), "upper": f(v + me.upper)},
            {"parameter": poi, "cl": 0.95, "method": "profile_likelihood", "lower": f(left), "upper": f(right)},
            {"parameter": poi, "cl": 0.95, "method": "cls", "lower": None, "upper": f(obs_limit)},
        ],
    ))

    # pulls and constraints of the constrained, free parameters
    pulls = []
    for k, name in enumerate(fit.names):
        c = fit.constraint(k)
        if c is None or fit.m.fixed[k]:
            continue
        _kind, center, width = c
        pulls.append({"parameter": name, "pull": f((fit.m.values[k] - center) / width), "pull_error": f(fit.m.errors[k] / width)})
    write("pulls.json", fit_result(parameters=fit.parameters(), pulls=pulls))

    # goodness of fit: saturated model (as cabinetry computes it) and Pearson's chi2
    best = fit.values()
    nmain = model.config.nmaindata
    main, aux = np.asarray(data[:nmain]), np.asarray(data[nmain:])
    sat_main = float(np.sum(pyhf.probability.Poisson(main).log_prob(main)))
    sat_constraint = float(np.ravel(model.constraint_logpdf(aux, best))[0])
    saturated = 2 * (fmin / 2 + sat_main + sat_constraint)
    free_unconstrained = sum(1 for k in range(len(fit.names)) if not fit.m.fixed[k] and fit.constraint(k) is None)
    ndf = sum(model.config.channel_nbins.values()) - free_unconstrained
    expected = np.asarray(model.expected_actualdata(best))
    pearson = float(np.sum((main - expected) ** 2 / expected))
    write("goodness-of-fit.json", fit_result(
        parameters=fit.parameters(constraints=False),
        minimum=fit.minimum(),
        goodness_of_fit=[
            {"test": "saturated", "statistic": f(saturated), "ndf": int(ndf), "p_value": f(scipy.stats.chi2.sf(saturated, ndf))},
            {"test": "pearson_chi2", "statistic": f(pearson), "ndf": int(ndf), "p_value": f(scipy.stats.chi2.sf(pearson, ndf))},
        ],
    ))

    # provenance: which model, which data, which software, when, how
    write("provenance.json", fit_result(
        parameters=fit.parameters(constraints=False),
        minimum=fit.minimum(),
        provenance=provenance,
        metadata={"description": "maximum-likelihood fit of pyhf's example_bkgonly workspace"},
    ))

    # several fits in one file: free, POI fixed to 0 (background only), and on Asimov data at POI = 1
    fit0 = Fit(model, data, fixed_values={poi: 0.0})
    asimov = pyhf.infer.calculators.generate_asimov_data(1.0, data, model, model.config.suggested_init(), model.config.suggested_bounds(), model.config.suggested_fixed())
    fit_a = Fit(model, asimov)
    write("several-fits.json", {
        "free": fit_result(parameters=fit.parameters(constraints=False), minimum=fit.minimum(), status=fit.status(),
                           provenance={"data": {"name": "observations", "asimov": False}}),
        "background_only": fit_result(parameters=fit0.parameters(constraints=False), minimum=fit0.minimum(), status=fit0.status(),
                                      provenance={"data": {"name": "observations", "asimov": False}}),
        "asimov_mu1": fit_result(parameters=fit_a.parameters(constraints=False), minimum=fit_a.minimum(), status=fit_a.status(),
                                 provenance={"data": {"name": "asimov", "asimov": True}}),
    })

    large()
    hypotests()


# --- a 36-parameter model: the covariance stored out of band in the .hsb twin -----------------

def large():
    rng = np.random.default_rng(20260820)
    nbins = 32
    edges = np.linspace(100.0, 180.0, nbins + 1)
    centers = (edges[:-1] + edges[1:]) / 2
    bkg = 400.0 * np.exp(-(centers - 100.0) / 35.0)
    sig = 60.0 * np.exp(-0.5 * ((centers - 125.0) / 4.0) ** 2)
    jes_up = bkg * (1 + 0.04 * (centers - 140.0) / 40.0)
    jes_down = bkg * (1 - 0.04 * (centers - 140.0) / 40.0)
    mc_err = np.sqrt(bkg) * 0.6
    observed = rng.poisson(bkg + 0.8 * sig).astype(float)
    r = lambda a: [round(float(x), 6) for x in a]  # noqa: E731
    workspace = {
        "channels": [{"name": "SR", "samples": [
            {"name": "signal", "data": r(sig), "modifiers": [
                {"name": "mu", "type": "normfactor", "data": None},
                {"name": "lumi", "type": "lumi", "data": None}]},
            {"name": "background", "data": r(bkg), "modifiers": [
                {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.08, "lo": 0.92}},
                {"name": "jes", "type": "histosys", "data": {"hi_data": r(jes_up), "lo_data": r(jes_down)}},
                {"name": "lumi", "type": "lumi", "data": None},
                {"name": "staterror_SR", "type": "staterror", "data": r(mc_err)}]},
        ]}],
        "observations": [{"name": "SR", "data": [float(x) for x in observed]}],
        "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": [
            {"name": "lumi", "auxdata": [1.0], "sigmas": [0.017], "bounds": [[0.9, 1.1]], "inits": [1.0]},
            {"name": "mu", "bounds": [[0.0, 5.0]], "inits": [1.0]}]}}],
        "version": "1.0.0",
    }
    ws_path = os.path.join(OUT, "workspace.32-bin.json")
    with open(ws_path, "w") as fh:
        fh.write(dumps(workspace) + "\n")
    print("wrote fixtures/fit-results/workspace.32-bin.json")
    ws = pyhf.Workspace(workspace)
    model = ws.model()
    data = ws.data(model)
    fit = Fit(model, data, strategy=1)
    write("covariance.large.json", fit_result(
        parameters=fit.parameters(),
        minimum=fit.minimum(),
        status=fit.status(),
        minimizer=fit.minimizer(),
        covariance={"values": fit.covariance()},
        correlation={"values": fit.correlation()},
        provenance={
            "model": {"format": "pyhf", "name": "workspace.32-bin", "uri": "workspace.32-bin.json", "sha256": sha256(ws_path), "measurement": "meas"},
            "data": {"name": "observations", "asimov": False},
            "software": software(),
            "date": DATE,
            "command": "python3 scripts/make-fit-result-fixtures.py",
        },
    ))


# --- pyhf's own CLs scans ------------------------------------------------------------------

def hypotests():
    tests = []
    for file, tails in (("hypotest_results.json", False), ("tail_probs_hypotest_results.json", True)):
        with open(os.path.join(REF, "examples", "results", file)) as fh:
            src = json.load(fh)
        mus = np.asarray(src["testmus"], dtype=float)
        scalar = lambda v: float(np.asarray(v).ravel()[0])  # noqa: E731
        obs = [scalar(r[0]) for r in src["results"]]
        exp = [[scalar(x) for x in r[2 if tails else 1]] for r in src["results"]]
        t = {"name": file.removesuffix(".json"), "parameter": "mu", "test_statistic": "qtilde", "calculator": "asymptotics", "cl": 0.95,
             "points": [f(m) for m in mus], "expected_bands": [-2, -1, 0, 1, 2], "cls_obs": obs, "cls_exp": exp}
        if tails:
            t["clsb_obs"] = [scalar(r[1][0]) for r in src["results"]]
            t["clb_obs"] = [scalar(r[1][1]) for r in src["results"]]
        # the upper limits, as pyhf.infer.intervals.upper_limits.linear_grid_scan interpolates them
        columns = np.asarray([obs] + [list(c) for c in zip(*exp)])
        limits = [float(upper_limits._interp(0.05, columns[i][::-1], mus[::-1])) for i in range(6)]
        t["upper_limit"] = {"obs": limits[0], "exp": limits[1:], "method": "interpolation"}
        tests.append(t)
    write("hypotest.cls.json", fit_result(
        hypothesis_tests=tests,
        provenance={
            "model": {"format": "pyhf", "name": "pyhf test_viz", "uri": f"https://github.com/scikit-hep/pyhf/tree/{PYHF_COMMIT}/tests/contrib/test_viz"},
            "software": [{"name": "pyhf", "version": pyhf.__version__}],
        },
        metadata={"source": "pyhf tests/contrib/test_viz/hypotest_results.json and tail_probs_hypotest_results.json, converted; the fit that made them is not recorded there"},
    ))


if __name__ == "__main__":
    main()
