"""The entry functions: every ionizable site of a molecule, its macro pKa values, charge states and logD."""

from __future__ import annotations

import math

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdMolDescriptors

from ..atomtext import AtomText, atom_list, compose
from ..errors import ReactivityError
from ..molecule import (AMIDOXIME_REDRAWN, ANIONIC_ACID_SMARTS, AZINE_LACTIM_REDRAWN, DICARBONYL_ENOL_REDRAWN,
                        IMIDIC_ACID_REDRAWN, IMINO_AZINE_REDRAWN, FreeBaseView, as_read, azine_lactam_form,
                        canonical_ranks, free_base_view, quiet_rdkit)
from ..rules import compile_screen, compile_smarts
from ..tautomers import azole_hydrogen_moves, is_plain_1_2_3_triazole
from .features import FULL_MATRIX_ATOMS, minmax_similarity, similarity_view, site_features
from .increments import SiteIncrement, ring_increment_ids, site_increments
from .model import band_halfwidth, load_pka_model, nearest_training
from .results import BasicityResult, BasicSite, Deferred, PermanentCharge, UncoveredGroup
from .sites import ClassMatch, find_basic_sites, find_class_sites, n_hydroxyl_oxygens, uncovered_groups
from .distances import DistanceRows
from .drawing import azole_tautomer_drawings, azole_tautomer_partner, model_amidine_drawing
from .titration import (
    CONJUGATED_RING_FACTOR,
    ION_LOGP_DROP,
    RING_UREA_PAIR_INTERACTION,
    LOGD_PH_GRID,
    MAX_COUPLED_SITES,
    PH_SCALE,
    MacroStep,
    TEMPERATURE_RULES,
    TitratableSite,
    Titration,
    site_path_counts,
    temperature_shift,
)

#: N4 classes (from perception) that are basic amines and get a pKa from the site model.
BASIC_N4_CLASSES = frozenset({"secondary_amine", "tertiary_amine", "aryl_amine"})
#: N4 classes that get a pKa from a class rule when one matches (benzodiazepinone azomethine).
CLASS_N4_CLASSES = frozenset({"imine"})
#: Up to this many atoms the titration reads RDKit's full distance matrix; above, rows are computed on demand.
SMALL_MOLECULE_ATOMS = FULL_MATRIX_ATOMS  # the same switch as the site features (the matrix is computed once)
#: Sites whose nearest training site is less similar than this are flagged in the assumptions.
LOW_APPLICABILITY = 0.6

_ASSUMPTIONS_BASE = (
    "base pKa values of amines, anilines, amidines, pyridines and azoles are model estimates (site-level regressor "
    "trained on experimental aqueous pKa data at about 25 C, see models/MODEL.md); the band is the 90 % interval "
    "of cluster-cross-validated errors at that applicability",
    "each site's pKa is its micro pKa with every other site uncharged; the macro (stepwise) pKa values, species "
    "fractions, free-base pH and logD come from the coupled titration of all sites, with an electrostatic "
    "interaction between charges that falls off with the number of bonds between them (fitted on measured "
    "stepwise pKa values of diamines, see models/MODEL.md)",
    f"logD is an estimate: RDKit Crippen logP of the uncharged parent (counter-ions stripped); every charged "
    f"species, zwitterions included, is taken to partition {ION_LOGP_DROP} log units below the uncharged form "
    f"(ion-pair partitioning, Avdeef 2012)",
)

#: Model site classes of ring N that :func:`azole_tautomer_partner` may pair with their other tautomer drawing.
_PROTOTROPIC_AZOLE_CLASSES = frozenset({"imidazole_like", "azole_weak"})
_NEGATIVE_ACID_ATOM = compile_smarts(ANIONIC_ACID_SMARTS, "basicity.negative_acid_atom")
#: Its recursion-free screen (:func:`reactivity.rules.compile_screen`): most molecules have no anion, and this
#: search costs a fraction of the other.
_ANION_SCREEN = compile_screen(ANIONIC_ACID_SMARTS, "basicity.negative_acid_atom")


def _reprotonated(mol: Chem.Mol) -> Chem.Mol:
    """Copy with the anionic acid atoms (carboxylate, phenolate, tetrazolide ...) protonated, indices unchanged.

    >>> Chem.MolToSmiles(_reprotonated(Chem.MolFromSmiles("CC(=O)[O-].[Na+]")))
    'CC(=O)O.[Na+]'
    """
    if not mol.HasSubstructMatch(_ANION_SCREEN):
        return mol
    matches = mol.GetSubstructMatches(_NEGATIVE_ACID_ATOM)
    if not matches:
        return mol
    work = Chem.RWMol(mol)
    for (index,) in matches:
        atom = work.GetAtomWithIdx(index)
        atom.SetFormalCharge(0)
        atom.SetNumExplicitHs(atom.GetTotalNumHs() + 1)
        atom.SetNoImplicit(True)
    out = work.GetMol()
    with quiet_rdkit():
        Chem.SanitizeMol(out)
    return out


def _parent_fragment(mol: Chem.Mol) -> tuple[frozenset[int], tuple[str, ...]]:
    """Atoms of the parent (largest organic fragment, as ``describe_species`` picks it) and the SMILES of the
    other fragments (counter-ions, extra copies of the base in a 2:1 salt)."""
    fragments = Chem.GetMolFrags(mol)
    if len(fragments) <= 1:  # one fragment, or a molecule without atoms (no sites, no parent)
        return frozenset(fragments[0] if fragments else ()), ()
    smiles = [Chem.MolFragmentToSmiles(mol, atomsToUse=list(f)) for f in fragments]
    best = max(range(len(fragments)), key=lambda i: (sum(1 for a in fragments[i] if mol.GetAtomWithIdx(a).GetAtomicNum() > 1), smiles[i]))
    others = tuple(sorted(smiles[i] for i in range(len(fragments)) if i != best))
    return frozenset(fragments[best]), others


def _rings_of_aromatic_acids(mol: Chem.Mol, class_sites: Sequence[ClassMatch]) -> frozenset[int]:
    """Atoms of the aromatic rings that hold an acidic N-H site whose ring N are no separate bases (tetrazoles, imides).
    The weak N-H acids of triazoles and benzotriazoles (class ``azole_nh``, pKa 8-10) are left out: their ring N
    are bases of their own (1,2,4-triazole 2.5), given by class rules or the site model."""
    acid_atoms = [m.atom for m in class_sites
                  if m.rule.kind == "acid" and m.rule.site_class != "azole_nh" and mol.GetAtomWithIdx(m.atom).GetIsAromatic()]
    if not acid_atoms:
        return frozenset()
    return frozenset(a for ring in mol.GetRingInfo().AtomRings() if any(x in ring for x in acid_atoms) for a in ring)


@dataclass(frozen=True, slots=True)
class _Job:
    prepared: FreeBaseView
    work: Chem.Mol  # the prepared molecule with anionic acids protonated (same indices)
    parent: frozenset[int]
    counter_ions: tuple[str, ...]
    sites: tuple[tuple[int, str], ...]  # model sites (working index, class)
    class_sites: tuple[ClassMatch, ...]
    n4_roles: dict[int, str]  # working index -> n4_class, for ring N4 atoms
    first_n4: tuple[int, str] | None  # (working index or -1, n4_class) of the first ring
    notes: tuple[str, ...]
    n4_atoms: frozenset[int] = frozenset()  # working indices of every ring's N4 (the notes speak of them)
    increments: dict[int, SiteIncrement] = field(default_factory=dict)  # model sites predicted through an analog
    # azole sites whose N-H can sit on either ring N: site -> the other ring N (distances are the mean of the two)
    partners: dict[int, int] = field(default_factory=dict)
    # the other tautomer drawings of those azoles, each with the map site -> its atom there: every model site's value
    # is the mean over all drawings
    drawings: tuple[tuple[Chem.Mol, dict[int, int]], ...] = ()
    # (labels, working indices) of the basic groups the ``[[uncovered_base]]`` rules name: searched once, in _plan
    uncovered_bases: tuple[tuple[str, tuple[int, ...]], ...] = ()


#: Assumption notes of the sites predicted through an analog: (heading with a {} for the atoms, explanation).
_AMINE_INCREMENT_NOTE = (
    "substituent increments at atom(s) {}",
    "the site model's value for the analog with the group replaced by its alkyl counterpart (the model cannot add up "
    "a strong electron-withdrawing group, or the other N of a 1,4-dialkylpiperazine, and the amine's other "
    "neighbours), plus the difference between the two groups read from measured values (each rule in "
    "reactivity/basicity/substituent_increments.toml names its values); that the difference measured on some amines "
    "applies to the others is an assumption; band widened by the increment's band")
_RING_INCREMENT_NOTE = (
    "azine ring increments at atom(s) {}",
    "the site model's value for the ring with its electron-withdrawing groups replaced by hydrogen (the model cannot "
    "stack them on a diazine, or one of them and anything else on a pyridine), plus each group's measured effect on "
    "pyridine at the same position, or for a rule named *_estimate a Hammett estimate (sigma of Hansch, Leo and Taft "
    "1991 times a slope fitted on the measured meta effects; no measurement) "
    "(reactivity/basicity/substituent_increments.toml); that the effects add up and "
    "carry over from pyridine to the diazines is an assumption (Perrin, Dempsey and Serjeant 1981); band widened by "
    "the groups' bands")

#: Assumption note of an O-H on nitrogen that no class rule values and no uncovered-acid rule names (oximes and
#: hydroxamic acids have class rules).
_N_HYDROXYL_NOTE = ("O-H on a nitrogen at atom(s) {} (a hydroxylamine or N-hydroxy amidine group without a class "
                    "value): a weak acid (N-phenylhydroxylamine 10.68 and N-hydroxybenzamidoxime 10.7 in the open "
                    "DataWarrior set), no pKa predicted")
#: Assumption note of the carboxylate-ring cation pairs whose interaction takes ``CONJUGATED_RING_FACTOR``.
_CONJUGATED_NOTE = (
    "carboxylic acid and aromatic ring N joined by conjugated bonds at atom(s) {}: their charge interaction is taken "
    f"{CONJUGATED_RING_FACTOR:g} times the aliphatic one (the ring cation spreads its charge onto the ring carbons next "
    "to the carboxylate; read from the microconstants of nicotinic and isonicotinic acid, models/MODEL.md); one "
    "factor for every ring position and for imidazoles is an assumption")

_RING_UREA_NOTE = (
    "two N-H acids of one ring urea or thiourea unit at atom(s) {}: their charge interaction is "
    f"{RING_UREA_PAIR_INTERACTION:g} pKa units, read from the two steps of five 2-thiobarbiturates (open DataWarrior "
    "set, models/MODEL.md), not the value computed from their distance; that a barbiturate's C=O pair shares it is an "
    "assumption")

#: The readers' tautomer redraws the result names: (flag on the molecule and its atoms, note).
_REDRAW_NOTES = (
    (AZINE_LACTIM_REDRAWN, "hydroxy group(s) at atom(s) {} on an azine ring, next to or opposite a ring N, read as the "
                           "ring's lactam (oxo) tautomer, which dominates in water (both drawings share the cation and "
                           "the anion)"),
    (IMIDIC_ACID_REDRAWN, "imidic acid O-H at atom(s) {} read as the amide (HO-C=N as O=C-NH), the tautomer present "
                          "in water"),
    (IMINO_AZINE_REDRAWN, "exocyclic imine(s) at atom(s) {} on an aromatic ring with an N-H read as the amino "
                          "tautomer (2-aminopyridine, not pyridin-2(1H)-imine), which dominates in water (both "
                          "drawings share the cation)"),
    (AMIDOXIME_REDRAWN, "imino-hydroxylamine at atom(s) {} read as the amidoxime (C(=NH)-NH-OH as C(NH2)=N-OH), the "
                        "tautomer that dominates"),
    (DICARBONYL_ENOL_REDRAWN, "enol O-H at atom(s) {} of an open-chain 1,3-dicarbonyl read as its keto form (one "
                              "compound; the keto/enol ratio depends on solvent and substituents)"),
)


def _perceive_rings(mol: Chem.Mol) -> tuple[Any, ...]:
    """The rings of a molecule already read (:func:`predict_basicity_many` reads its molecules first)."""
    from ..perception import perceive_with_view  # lazy: perception imports nothing from this package

    return tuple(perceive_with_view(mol, from_reader=True)[0])


def _plan(mol: Chem.Mol, rings: Sequence[Any] | None = None, view: FreeBaseView | None = None) -> _Job:
    prepared = view if view is not None else free_base_view(mol)
    # the readers and the free-base view read hydroxy-azines as lactams already; an anion (a pyridinolate salt) is
    # a hydroxy-azine only once reprotonated here
    work = azine_lactam_form(_reprotonated(prepared.mol))
    notes_pre: list[str] = []
    for flag, text in _REDRAW_NOTES:  # what the readers redrew (a flag on the molecule and on the atoms)
        atoms = [prepared.input_index(a.GetIdx()) for a in work.GetAtoms() if a.HasProp(flag)] \
            if work.HasProp(flag) else []
        if atoms:
            notes_pre.append(compose(text, atom_list(atoms)))
    parent, counter_ions = _parent_fragment(work)
    work, amidine_imines = model_amidine_drawing(work)
    if amidine_imines:
        notes_pre.append(compose(
            "amidine or guanidine read with its C=N on atom(s) {}, as the site model's training data draw such units "
            "(acyclic: the C=N on the nitrogen with the fewest heavy neighbours, then on an aryl nitrogen; carbon in a "
            "ring: on a nitrogen without an aromatic neighbour, then the ring nitrogen; acylated: on the acylated "
            "nitrogen); both drawings give the same cation, the model would not give them the same value",
            atom_list(prepared.input_index(a) for a in amidine_imines)))
    work, triazole_nh = azole_hydrogen_moves(work, only=is_plain_1_2_3_triazole)
    if triazole_nh:
        notes_pre.append(compose(
            "1,2,3-triazole N-H read on atom(s) {} (the hydrogen can sit on any ring N; the site model's values depend "
            "on the drawing, so one fixed drawing is used: the ring N first in a hydrogen-blind canonical order)",
            atom_list(prepared.input_index(a) for a in triazole_nh)))
    class_sites = find_class_sites(work, parent)
    overridden = {m.atom for m in class_sites if m.rule.kind == "base" and m.rule.overrides_model}
    class_atoms = {m.atom for m in class_sites}
    sites = [(a, c) for a, c in find_basic_sites(work) if a in parent and a not in overridden]
    acid_rings = _rings_of_aromatic_acids(work, class_sites)
    if acid_rings:
        dropped = [a for a, _ in sites if a in acid_rings]
        if dropped:
            sites = [(a, c) for a, c in sites if a not in acid_rings]
            notes_pre.append("ring N of an aromatic N-H acid (tetrazole-type) not treated as a separate base: its "
                             "protonation is the reverse of the acid's own dissociation")
    if rings is None:
        rings = _perceive_rings(mol)
    n4_roles: dict[int, str] = {}
    first: tuple[int, str] | None = None
    notes: list[str] = list(notes_pre)
    site_atoms = {atom for atom, _ in sites}
    n4_atoms: set[int] = set()
    uncovered_bases = uncovered_groups(work, "base")
    # a ring N4 that an uncovered-base rule names (a C=N without a class value) is listed among the uncovered groups
    named_bases = {atom for _, found in uncovered_bases for atom in found}
    for ring in rings:
        index = prepared.working_index(ring.n4)
        work_index = -1 if index is None else index
        if index is not None:
            n4_atoms.add(index)
        if first is None:
            first = (work_index, ring.n4_class)
        if ring.n4_class in BASIC_N4_CLASSES and index is not None:
            n4_roles[index] = ring.n4_class
            if index not in site_atoms and index not in class_atoms:
                # N4 perceived as a basic amine but not found by the site rules: use the amine class.
                site_class = "aryl_amine" if ring.n4_class == "aryl_amine" else "aliphatic_amine"
                sites.append((index, site_class))
                site_atoms.add(index)
                notes.append(AtomText(f"N4 (atom {{0}}) classified by perception as {ring.n4_class}; predicted as {site_class}", (ring.n4,)))
        elif ring.n4_class in CLASS_N4_CLASSES and index is not None and index in class_atoms:
            n4_roles[index] = ring.n4_class
        elif ring.n4_class == "imine" and index is not None and index in named_bases:
            # a basic C=N N4 with no value (an amidine, imidate or ketimine N4): named among the uncovered groups
            n4_atoms.discard(index)
            sites = [(a, c) for a, c in sites if a != index]
            site_atoms.discard(index)
        elif index is not None and index in site_atoms:
            sites = [(a, c) for a, c in sites if a != index]
            site_atoms.discard(index)
            notes.append(AtomText(f"N4 (atom {{0}}) is {ring.n4_class}: not a basic amine, no pKa", (ring.n4,)))
        elif ring.n4_class not in BASIC_N4_CLASSES:
            notes.append(AtomText(f"N4 (atom {{0}}) is {ring.n4_class}: no pKaH predicted for this class", (ring.n4,)))
    sites = sorted(sites)
    partners = {atom: found for atom, site_class in sites if site_class in _PROTOTROPIC_AZOLE_CLASSES
                and (found := azole_tautomer_partner(work, atom)) is not None}
    drawings = tuple(azole_tautomer_drawings(work, partners))
    if partners:
        notes.append(compose(
            "azole N at atom(s) {}: its N-H can sit on either ring N (one cation for every drawing); each site's value "
            "is the mean of the site model's values over the drawings" if drawings else
            "azole N at atom(s) {}: its N-H can sit on either ring N; too many such rings to average over the "
            "drawings, so the values are those of the drawing given", atom_list(prepared.input_index(a) for a in partners)))
    return _Job(prepared, work, parent, counter_ions, tuple(sites), class_sites, n4_roles, first, tuple(notes),
                frozenset(n4_atoms), site_increments(work, sites), partners if drawings else {}, drawings,
                uncovered_bases)


def _site_rows(job: _Job) -> np.ndarray:
    """The model's feature rows of a molecule's sites; a site with a substituent increment gets the row of its atom in
    the analog (the group replaced by its alkyl counterpart). When an azole's N-H can sit on either ring N, one more
    block of rows per other drawing follows (the same sites, each at its atom in that drawing)."""
    block = site_features(job.work, job.sites)
    for row, (atom, site_class) in enumerate(job.sites):
        increment = job.increments.get(atom)
        if increment is not None:
            block[row] = site_features(increment.analog, [(increment.analog_atom, site_class)])[0]
    extra = [site_features(drawn, [(moved.get(atom, atom), site_class) for atom, site_class in job.sites])
             for drawn, moved in job.drawings]
    return np.vstack([block, *extra]) if extra else block


def check_basicity_conditions(ph: float, temperature_c: float) -> None:
    """Refuse (ReactivityError, one line) a pH or temperature that is not a finite number in the range the pKa tool
    covers: the pH scale of its titration and the temperatures its pKa shifts are used for. Every caller (the
    library, ``reactivity pka``, ``reactivity explain``) checks through this function.

    >>> check_basicity_conditions(float("nan"), 25.0)
    Traceback (most recent call last):
    ...
    reactivity.errors.ReactivityError: pH must be a finite number between -2 and 16, got nan
    """
    if not (math.isfinite(ph) and PH_SCALE[0] <= ph <= PH_SCALE[1]):
        raise ReactivityError(f"pH must be a finite number between {PH_SCALE[0]:g} and {PH_SCALE[1]:g}, got {ph}")
    if not (math.isfinite(temperature_c) and -20.0 <= temperature_c <= 150.0):
        raise ReactivityError(f"temperature must be a finite number between -20 and 150 C, got {temperature_c}")


def predict_basicity_many(
    mols: Sequence[Chem.Mol],
    ph: float = 7.4,
    rings: Sequence[Sequence[Any]] | None = None,
    workup: bool = True,
    views: Sequence[FreeBaseView | None] | None = None,
    temperature_c: float = 25.0,
    from_reader: bool = False,
) -> list[BasicityResult]:
    """Ionization of many molecules, with one model call for all model sites of all molecules.

    ``rings``: the molecules' :func:`reactivity.perceive` results, when the caller has them already (saves a
    second perception); ``views``: the free-base views perception worked on
    (:func:`reactivity.perception.perceive_with_view`; None entries are rebuilt). ``workup=False`` skips the
    Crippen logP and the logD curve (``logp_crippen`` None, ``logd_curve`` empty), which a batch annotation does
    not report; the free-base pH is still given. ``temperature_c``: every pKa is moved from 25 C to this
    temperature with the class-wise coefficients of :func:`reactivity.basicity.temperature_shift`. Each molecule
    is read as the file readers read it (:func:`reactivity.molecule.as_read`: a salt drawn with covalent metal
    bonds is the ionic salt, a ring drawn as its lactim is the lactam) unless ``from_reader`` says it comes from
    them already.

    >>> from reactivity.molecule import mol_from_smiles
    >>> results = predict_basicity_many([mol_from_smiles("C1CCNCC1"), mol_from_smiles("CC(N)=O")])
    >>> len(results[0].sites), len(results[1].sites), results[1].free_base_ph_99 is None
    (1, 0, True)
    """
    check_basicity_conditions(ph, temperature_c)
    model = load_pka_model()
    if rings is not None and len(rings) != len(mols):
        raise ValueError("rings must give one perception result per molecule")
    if views is not None and len(views) != len(mols):
        raise ValueError("views must give one free-base view (or None) per molecule")
    if not from_reader:
        mols = [as_read(mol, "predict_basicity()") for mol in mols]
    jobs = [
        _plan(mol, None if rings is None else rings[i], None if views is None else views[i])
        for i, mol in enumerate(mols)
    ]
    blocks = [_site_rows(job) for job in jobs]
    all_features = np.vstack(blocks) if blocks else np.zeros((0, 1))
    if all_features.shape[0]:
        predictions = model["model"].predict(all_features)
        similarity = minmax_similarity(similarity_view(all_features), model["train_features"])
    else:
        predictions = np.zeros(0)
        similarity = np.zeros((0, 0))
    results = []
    row = 0
    for mol, job in zip(mols, jobs):
        drafts: list[dict[str, Any]] = []
        n_sites = len(job.sites)
        for k, (atom, site_class) in enumerate(job.sites):
            increment = job.increments.get(atom)
            value = float(predictions[row])
            if job.drawings and increment is None:  # the other drawings' rows follow, one block per drawing
                value = float(np.mean(predictions[row - k + np.arange(len(job.drawings) + 1) * n_sites + k]))
            pka25 = round(value + (increment.delta if increment else 0.0), 2)
            sims = similarity[row]
            applicability = round(float(sims.max()), 3) if sims.size else 0.0
            half = band_halfwidth(model, site_class, applicability) + (increment.band if increment else 0.0)
            drafts.append(dict(atom=atom, site_class=site_class, kind="base", pka25=pka25, half=half,
                               applicability=applicability,
                               nearest=Deferred(lambda sims=sims: nearest_training(model, sims)), source="model",
                               rule="", adjustments=increment.rules if increment else ()))
            row += 1
        row += len(job.drawings) * n_sites
        for match in job.class_sites:
            if match.rule.kind == "permanent_cation":
                continue
            drafts.append(dict(atom=match.atom, site_class=match.rule.site_class, kind=match.rule.kind,
                               pka25=match.pka_25, half=match.rule.band, applicability=0.0, nearest=(),
                               source="class_rule", rule=match.rule.id,
                               adjustments=tuple(a.id for a in match.adjustments)))
        results.append(_assemble(job, drafts, float(ph), workup, float(temperature_c)))
    return results


def predict_basicity(mol: Chem.Mol, ph: float = 7.4, temperature_c: float = 25.0) -> BasicityResult:
    """Ionization of one molecule: N4 pKa of the first ring, every ionizable site, macro pKa values, logD curve,
    free-base pH, at ``ph`` and ``temperature_c``.

    >>> from reactivity.molecule import mol_from_smiles
    >>> result = predict_basicity(mol_from_smiles("C1CCNCC1"), ph=7.4)
    >>> result.n4_pka is None, 10.5 < result.sites[0].pka < 11.8
    (True, True)
    >>> warm = predict_basicity(mol_from_smiles("C1CCNCC1"), temperature_c=37.0)
    >>> round(result.sites[0].pka - warm.sites[0].pka, 2) >= 0.15
    True
    """
    return predict_basicity_many([mol], ph, temperature_c=temperature_c)[0]


def _parent_logp(job: _Job) -> float:
    if len(job.parent) == job.work.GetNumAtoms():
        parent = job.work
    else:
        parent = Chem.RWMol(job.work)
        for index in sorted(set(range(job.work.GetNumAtoms())) - job.parent, reverse=True):
            parent.RemoveAtom(index)
        parent = parent.GetMol()
    with quiet_rdkit():
        contributions = rdMolDescriptors._CalcCrippenContribs(Chem.AddHs(parent))
    # Crippen.MolLogP adds the same per-atom values in atom order; most sums end in 5 at the fourth decimal, and the
    # last bit of RDKit's sum then rounds them up or down depending on the drawing. An exact sum does not.
    return math.fsum(logp for logp, _ in contributions)


def _neighbour_lookup(mol: Chem.Mol) -> Callable[[int], list[int]]:
    """Neighbour indices of an atom, read from the molecule once per atom asked for."""
    seen: dict[int, list[int]] = {}

    def neighbours(atom: int) -> list[int]:
        found = seen.get(atom)
        if found is None:
            found = seen[atom] = [nb.GetIdx() for nb in mol.GetAtomWithIdx(atom).GetNeighbors()]
        return found

    return neighbours


def _azole_mean_geometry(job: _Job, distance: Any, atoms: list[int], fixed_atoms: list[int], dist: np.ndarray,
                         fixed_dist: np.ndarray | None, paths: np.ndarray | None
                         ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Distances and shortest-path counts between sites when an azole site's charge sits on both of its ring N: each
    pair's value is the mean over the ring N the two sites may be drawn on, so neither drawing is preferred."""
    places = [[atom, job.partners[atom]] if atom in job.partners else [atom] for atom in atoms]
    dist = dist.astype(float)
    path_mean = None if paths is None else paths.astype(float)
    fixed_dist = None if fixed_dist is None else fixed_dist.astype(float)
    neighbours = _neighbour_lookup(job.work)
    for i, here in enumerate(places):
        for j, there in enumerate(places):
            if i == j or (len(here) == 1 and len(there) == 1):
                continue
            pairs = [(a, b) for a in here for b in there]
            dist[i, j] = float(np.mean([distance[np.ix_([a], [b])][0, 0] for a, b in pairs]))
            if path_mean is not None:
                path_mean[i, j] = float(np.mean([site_path_counts(distance, neighbours, [a, b])[0, 1]
                                                 for a, b in pairs]))
        if fixed_dist is not None and len(here) > 1:
            fixed_dist[i] = np.mean([distance[np.ix_([a], fixed_atoms)][0] for a in here], axis=0)
    return dist, fixed_dist, path_mean


def conjugated_ring_pairs(mol: Chem.Mol, drafts: Sequence[dict[str, Any]], fixed_atoms: Sequence[int]
                          ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Which pairs of sites (and of sites and permanent charges) are a carboxylic acid and an aromatic ring N joined
    by conjugated bonds only (the pairs whose interaction takes ``CONJUGATED_RING_FACTOR``); None when there is no
    such pair. The ring N is that of a six-membered ring (pyridine, quinoline, pyridinium) or an imidazole-type N (a
    five-membered ring of C and N only, no N beside it), the rings of the fit; thiazoles, oxazoles and pyrazoles are
    left out.

    >>> mol = Chem.MolFromSmiles("OC(=O)c1cccnc1")
    >>> drafts = [{"atom": 0, "kind": "acid", "site_class": "carboxylic_acid"},
    ...           {"atom": 7, "kind": "base", "site_class": "pyridine_like"}]
    >>> conjugated_ring_pairs(mol, drafts, [])[0].tolist()
    [[False, True], [True, False]]
    >>> conjugated_ring_pairs(Chem.MolFromSmiles("OC(=O)Cc1cccnc1"), [dict(drafts[0]), dict(drafts[1], atom=8)], [])
    (None, None)
    >>> conjugated_ring_pairs(Chem.MolFromSmiles("OC(=O)c1cscn1"), [dict(drafts[0]), dict(drafts[1], atom=7)], [])
    (None, None)
    >>> conjugated_ring_pairs(Chem.MolFromSmiles("OC(=O)c1cc[nH]n1"), [dict(drafts[0]), dict(drafts[1], atom=7)], [])
    (None, None)
    """
    acids = [i for i, d in enumerate(drafts) if d["site_class"] == "carboxylic_acid"]
    if not acids:
        return None, None

    def ring_n(atom: int) -> bool:  # the N of a six-membered aromatic ring or an imidazole-type N
        found = mol.GetAtomWithIdx(atom)
        if found.GetAtomicNum() != 7 or not found.GetIsAromatic():
            return False
        in_ring = [ring for ring in mol.GetRingInfo().AtomRings() if atom in ring and len(ring) in (5, 6)]
        return any(len(ring) == 6 for ring in in_ring) or any(
            all(mol.GetAtomWithIdx(a).GetAtomicNum() in (6, 7) for a in ring)
            and not any(nb.GetAtomicNum() == 7 and nb.GetIdx() in ring for nb in found.GetNeighbors())
            for ring in in_ring)

    def joined(a: int, b: int) -> bool:  # a shortest path of conjugated bonds only (whichever path RDKit would pick)
        bonds = len(Chem.GetShortestPath(mol, a, b)) - 1
        reached, frontier = {a}, [a]
        for _ in range(max(bonds, 0)):
            frontier = [nb.GetIdx() for atom in frontier for nb in mol.GetAtomWithIdx(atom).GetNeighbors()
                        if nb.GetIdx() not in reached
                        and mol.GetBondBetweenAtoms(atom, nb.GetIdx()).GetIsConjugated()]
            reached.update(frontier)
        return bonds > 0 and b in reached

    pairs = np.zeros((len(drafts), len(drafts)), dtype=bool)
    fixed = np.zeros((len(drafts), len(fixed_atoms)), dtype=bool)
    for i in acids:
        for j, d in enumerate(drafts):
            if d["kind"] == "base" and ring_n(d["atom"]) and joined(drafts[i]["atom"], d["atom"]):
                pairs[i, j] = pairs[j, i] = True
        for f, atom in enumerate(fixed_atoms):
            fixed[i, f] = ring_n(atom) and joined(drafts[i]["atom"], atom)
    return (pairs if pairs.any() else None), (fixed if fixed.any() else None)


def ring_urea_acid_pairs(mol: Chem.Mol, drafts: Sequence[dict[str, Any]]) -> np.ndarray | None:
    """The interaction (pKa units) of every pair of acid sites that are the two N-H of one ring urea or thiourea unit
    (both N bonded in a ring to one carbon with a C=O or C=S: a barbiturate's or a 2-thiobarbiturate's N1-H and
    N3-H), :data:`RING_UREA_PAIR_INTERACTION`, and 0 for every other pair; None when there is no such pair.

    >>> drafts = [{"atom": 7, "kind": "acid"}, {"atom": 10, "kind": "acid"}]
    >>> ring_urea_acid_pairs(Chem.MolFromSmiles("CCC1(CC)C(=O)NC(=S)NC1=O"), drafts).tolist()
    [[0.0, 4.16], [4.16, 0.0]]
    >>> ring_urea_acid_pairs(Chem.MolFromSmiles("O=C(NC1CCCCC1)NC1CCCCC1"), [{"atom": 2, "kind": "acid"},
    ...                                                                   {"atom": 9, "kind": "acid"}]) is None
    True
    """
    acids = [i for i, d in enumerate(drafts)
             if d["kind"] == "acid" and mol.GetAtomWithIdx(d["atom"]).GetAtomicNum() == 7]
    if len(acids) < 2:
        return None

    def urea_carbons(atom: int) -> set[int]:  # ring carbons bonded to this N in a ring, carrying C=O or C=S
        found = set()
        for bond in mol.GetAtomWithIdx(atom).GetBonds():
            carbon = bond.GetOtherAtom(mol.GetAtomWithIdx(atom))
            if carbon.GetAtomicNum() == 6 and bond.IsInRing() and any(
                    b.GetBondType() == Chem.BondType.DOUBLE and b.GetOtherAtom(carbon).GetAtomicNum() in (8, 16)
                    for b in carbon.GetBonds()):
                found.add(carbon.GetIdx())
        return found

    carbons = {i: urea_carbons(drafts[i]["atom"]) for i in acids}
    pairs = np.zeros((len(drafts), len(drafts)))
    for k, i in enumerate(acids):
        for j in acids[k + 1:]:
            if carbons[i] & carbons[j]:
                pairs[i, j] = pairs[j, i] = RING_UREA_PAIR_INTERACTION
    return pairs if pairs.any() else None


def _rank_source(mol: Chem.Mol, atoms: Sequence[int]) -> Callable[[], list[int]]:
    """The canonical ranks of ``atoms``, computed on the first call only (a titration asks when two sites tie, so that
    which one is coupled or names a stepwise pKa does not follow the atom order)."""
    found: list[list[int]] = []

    def ranks() -> list[int]:
        if not found:
            every = canonical_ranks(mol, break_ties=True)
            found.append([every[a] for a in atoms])
        return found[0]

    return ranks


_ROLE_ORDER = {"n4": 0, "competing": 1, "acid": 2}


def _reading_order(site: BasicSite) -> tuple[int, float, str, int]:
    """How the sites are listed, whatever the atom numbering: the ring's N4 first, then the other bases from the most
    basic down, then the acids from the most acidic up; the atom number only orders sites of one class and value.

    >>> base = dict(band=(0.0, 0.0), protonated_fraction=0.0, applicability=1.0, nearest_training=())
    >>> sites = [BasicSite(atom=2, site_class="carboxylic_acid", pka=4.2, role="acid", kind="acid", **base),
    ...          BasicSite(atom=9, site_class="pyridine", pka=5.2, role="competing", **base),
    ...          BasicSite(atom=5, site_class="aliphatic_amine", pka=9.8, role="competing", **base),
    ...          BasicSite(atom=7, site_class="imine", pka=3.4, role="n4", **base)]
    >>> [s.atom for s in sorted(sites, key=_reading_order)]
    [7, 5, 9, 2]
    """
    role = _ROLE_ORDER.get(site.role, 1)
    return role, (site.pka if site.kind == "acid" else -site.pka), site.site_class, site.atom


def _assemble(job: _Job, drafts: list[dict[str, Any]], ph: float, workup: bool, temperature_c: float) -> BasicityResult:
    drafts.sort(key=lambda d: d["atom"])
    original = job.prepared.original_index
    permanent = tuple(
        PermanentCharge(original[m.atom], int(job.work.GetAtomWithIdx(m.atom).GetFormalCharge()), m.rule.site_class)
        for m in job.class_sites if m.rule.kind == "permanent_cation"
    )
    pkas = {d["atom"]: round(temperature_shift(d["kind"], d["site_class"], d["pka25"], temperature_c), 2) + 0.0
            for d in drafts}
    atoms = [d["atom"] for d in drafts]
    fixed_atoms = [m.atom for m in job.class_sites if m.rule.kind == "permanent_cation"]
    distance: Any = None
    if len(atoms) > 1 or (atoms and fixed_atoms):
        # the full matrix is fastest for drug-sized molecules; rows on demand for very large ones (cubic cost)
        small = job.work.GetNumAtoms() <= SMALL_MOLECULE_ATOMS
        distance = Chem.GetDistanceMatrix(job.work) if small else DistanceRows(job.work)
    titratable = [TitratableSite(d["atom"], d["kind"], pkas[d["atom"]]) for d in drafts]
    paths = fixed_paths = None
    if distance is not None:
        dist = distance[np.ix_(atoms, atoms)]
        fixed_dist = distance[np.ix_(atoms, fixed_atoms)] if fixed_atoms else None
        # shortest-path counts between the sites, and from each site to each permanent charge (a charge across a ring
        # reaches a site by two paths, as another site's does)
        counts = site_path_counts(distance, _neighbour_lookup(job.work), atoms + fixed_atoms)
        n = len(atoms)
        paths = counts[:n, :n] if n > 1 else None
        fixed_paths = counts[:n, n:] if fixed_atoms else None
        if job.partners:
            dist, fixed_dist, paths = _azole_mean_geometry(job, distance, atoms, fixed_atoms, dist, fixed_dist, paths)
    else:
        dist, fixed_dist = np.zeros((len(atoms), len(atoms))), None
    conjugated, fixed_conjugated = conjugated_ring_pairs(job.work, drafts, fixed_atoms)
    urea_pairs = ring_urea_acid_pairs(job.work, drafts)
    titration = Titration.build(
        titratable, dist, [(a, int(job.work.GetAtomWithIdx(a).GetFormalCharge())) for a in fixed_atoms], fixed_dist,
        paths, _rank_source(job.work, atoms), conjugated, fixed_conjugated, fixed_paths, urea_pairs,
    )
    protonation = titration.site_protonation(ph)
    sites = []
    for d in drafts:
        pka, half = pkas[d["atom"]], d["half"]
        role = "acid" if d["kind"] == "acid" else ("n4" if d["atom"] in job.n4_roles else "competing")
        sites.append(
            BasicSite(
                atom=original[d["atom"]], site_class=d["site_class"], pka=pka,
                band=(round(pka - half, 2), round(pka + half, 2)),
                protonated_fraction=round(protonation[d["atom"]], 4) + 0.0, applicability=d["applicability"],
                role=role, nearest_training=d["nearest"], kind=d["kind"], pka_25c=d["pka25"], source=d["source"],
                rule=d["rule"], adjustments=d["adjustments"],
            )
        )
    sites.sort(key=_reading_order)
    n4_pka = n4_band = n4_fraction = None
    n4_class = n4_site_class = None
    if job.first_n4 is not None:
        work_index, n4_class = job.first_n4
        if work_index >= 0 and work_index in job.n4_roles:
            for site in sites:
                if site.atom == original[work_index] and site.kind == "base":
                    n4_pka, n4_band, n4_fraction = site.pka, site.band, site.protonated_fraction
                    n4_site_class = site.site_class
    logp: float | None = _parent_logp(job) if workup else None
    free_base = titration.base_free_ph(0.99)
    assumptions = list(_ASSUMPTIONS_BASE)
    assumptions.extend(job.notes)
    ring_ids = ring_increment_ids()
    incremented = [s for s in sites if s.source == "model" and s.adjustments]
    for on_ring, (head, body) in ((False, _AMINE_INCREMENT_NOTE), (True, _RING_INCREMENT_NOTE)):
        chosen = [s for s in incremented if bool(ring_ids.intersection(s.adjustments)) == on_ring]
        if chosen:
            ids = ", ".join(sorted({a for s in chosen for a in s.adjustments}))
            assumptions.append(compose(f"{head} ({ids}): {body}", atom_list(s.atom for s in chosen)))
    paired: set[int] = set()  # the atoms of the pairs that took CONJUGATED_RING_FACTOR
    for flags, partners in ((conjugated, [d["atom"] for d in drafts]), (fixed_conjugated, fixed_atoms)):
        if flags is not None:
            for i, j in zip(*np.nonzero(flags)):
                paired |= {drafts[i]["atom"], partners[j]}
    if paired:
        assumptions.append(compose(_CONJUGATED_NOTE, atom_list(sorted(original[a] for a in paired))))
    if urea_pairs is not None:
        urea_atoms = {drafts[i]["atom"] for i in np.nonzero(urea_pairs)[0]}
        assumptions.append(compose(_RING_UREA_NOTE, atom_list(sorted(original[a] for a in urea_atoms))))
    class_used = [s for s in sites if s.source == "class_rule"]
    if class_used:
        assumptions.append(
            "class-rule pKa values (" + ", ".join(sorted({s.rule for s in class_used})) + "): class value at 25 C plus "
            "the listed additive corrections (reactivity/basicity/class_sites.toml); the band is the class's "
            "half-width, not a model error"
        )
    if temperature_c != 25.0:
        assumptions.append(f"pKa values moved from 25 C to {temperature_c:g} C: " + "; ".join(TEMPERATURE_RULES))
    if job.counter_ions:
        assumptions.append("counter-ion(s) / other fragments stripped before logP and site finding: "
                           + ", ".join(job.counter_ions))
    if permanent:
        assumptions.append(compose("permanent cation(s) at atom(s) {}: charged at every pH, so logD stays at ion-pair level",
                                   atom_list(p.atom for p in permanent)))
    if len(drafts) > MAX_COUPLED_SITES:
        assumptions.append(f"more than {MAX_COUPLED_SITES} sites: the {MAX_COUPLED_SITES} with pKa nearest 7 are "
                           "titrated together, the others independently")
    # sites with a value, the other atoms of a group that has one (a hydrazine's second N), and ring N4 atoms (a note
    # above covers them)
    spoken_for = set(atoms) | {a for m in job.class_sites for a in m.group} | job.n4_atoms
    uncovered: list[UncoveredGroup] = []
    named = set(spoken_for)  # and the atoms of uncovered groups: the N-hydroxyl note below leaves them out
    for kind, what, value in (("base", "a basic", "pKaH"), ("acid", "an acidic", "pKa")):
        for labels, found in (job.uncovered_bases if kind == "base" else uncovered_groups(job.work, kind)):
            named.update(found)
            left = tuple(sorted(original[a] for a in found if a not in spoken_for))
            if left:
                uncovered.append(UncoveredGroup(kind, labels, left))
                assumptions.append(compose(labels + " at atom(s) {}: " + what + " group that neither the site model "
                                           "nor a class rule covers; no " + value + " is predicted for it",
                                           atom_list(left)))
    unvalued = sorted(original[a] for a in n_hydroxyl_oxygens(job.work) if a not in named)
    if unvalued:
        assumptions.append(compose(_N_HYDROXYL_NOTE, atom_list(unvalued)))
    if any(s.source == "model" and s.applicability < LOW_APPLICABILITY for s in sites):
        assumptions.append(
            f"at least one site is far from the training data (applicability < {LOW_APPLICABILITY}): its band is wide"
        )
    uncounted = ", not counting the uncovered basic group(s) named above" \
        if any(group.kind == "base" for group in uncovered) else ""
    if free_base is not None:
        assumptions.append(f"free-base pH {free_base:.2f}: lowest pH at which >= 99 % of the molecules carry no "
                           f"protonated base (coupled titration, central pKa values{uncounted})")
    elif any(s.kind == "base" for s in sites):
        assumptions.append("no pH in -2..16 gives >= 99 % free base")
    elif not sites and not permanent and uncovered:
        assumptions.append("no ionizable site with a predicted value: the uncovered group(s) named above may still "
                           "take or lose a proton in a work-up")
    elif not sites and not permanent:
        assumptions.append("no ionizable site found: the compound is neutral at any work-up pH")
    # macro pKa values, charge-state fractions and the parent SMILES are computed when first read (a batch
    # annotation does not report them)

    def charge_states() -> tuple[tuple[int, float], ...]:
        charges = titration.net_charge_fractions(ph)
        return tuple((c, round(f, 4) + 0.0) for c, f in charges.items() if f >= 5e-5)

    def macro_pkas() -> tuple[MacroStep, ...]:
        return tuple(MacroStep(step.pka, step.type, original[step.atom]) for step in titration.macro_steps()) \
            if sites else ()

    # a copy (a small fraction of the SMILES' cost): the caller's molecule may change before the SMILES is read
    frozen = Chem.Mol(job.work)

    def parent_smiles() -> str:
        return Chem.MolFragmentToSmiles(frozen, atomsToUse=sorted(job.parent)) if job.parent else ""

    return BasicityResult(
        ph=float(ph),
        n4_pka=n4_pka,
        n4_pka_band=n4_band,
        n4_protonated_fraction=n4_fraction,
        n4_class=n4_class,
        sites=tuple(sites),
        logp_crippen=None if logp is None else round(logp, 3) + 0.0,
        logd_curve=() if logp is None else tuple(
            (float(p), round(titration.logd(logp, float(p)), 3) + 0.0) for p in LOGD_PH_GRID
        ),
        free_base_ph_99=free_base,
        assumptions=tuple(assumptions),
        temperature_c=float(temperature_c),
        macro_pkas=Deferred(macro_pkas),
        permanent_charges=permanent,
        uncharged_fraction=Deferred(lambda: round(titration.uncharged_fraction(ph), 4) + 0.0),
        net_charge_fractions=Deferred(charge_states),
        counter_ions=job.counter_ions,
        parent_smiles=Deferred(parent_smiles),
        n4_site_class=n4_site_class,
        uncovered_groups=tuple(uncovered),
    )
