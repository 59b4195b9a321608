"""Reading molecules quietly: RDKit's log goes into the exception, never to the terminal.

>>> mol = mol_from_smiles("O=C1CNCCCN1")
>>> mol.GetNumAtoms()
8
>>> mol_from_smiles("C1CC(")
Traceback (most recent call last):
...
reactivity.errors.MoleculeParseError: SMILES Parse Error: syntax error while parsing: C1CC(
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from rdkit import Chem, rdBase

from .errors import MoleculeParseError

T = TypeVar("T")

_TIMESTAMP = re.compile(r"^\[\d\d:\d\d:\d\d\]\s*")


# Lines of RDKit's invariant-violation banner that say nothing about the molecule.
_BANNER = re.compile(r"^(\*+|-+|(Pre-condition|Post-condition|Invariant|Assertion)( Violation)?|Range Error|Stacktrace:)$")


def is_banner_line(line: str) -> bool:
    """Whether an RDKit log line is part of a banner (``****``, ``Pre-condition Violation``, ...), not a reason.

    >>> is_banner_line("****"), is_banner_line("Post-condition Violation"), is_banner_line("Element 'Nc' not found")
    (True, True, False)
    """
    return bool(_BANNER.match(line.strip()))


def _first_log_line(text: str) -> str:
    """The first meaningful line of an RDKit log text, without its timestamp (banner lines skipped).

    >>> _first_log_line("[19:38:28] SMILES Parse Error: bad\\n[19:38:28] more")
    'SMILES Parse Error: bad'
    >>> _first_log_line("[14:05:44] \\n\\n****\\nPost-condition Violation\\nElement 'Nc' not found\\nViolation occurred on line 95")
    "Element 'Nc' not found"
    """
    for line in text.splitlines():
        line = _TIMESTAMP.sub("", line).strip()
        if line and not is_banner_line(line):
            return line
    return ""


@contextmanager
def quiet_rdkit() -> Iterator[list[str]]:
    """Silence RDKit's warning and info logs and collect its error log lines.

    The yielded list is filled with the captured error-log lines (timestamps
    removed) when the block exits.

    >>> with quiet_rdkit() as messages:
    ...     _ = Chem.MolFromSmiles("C1CC(")
    >>> messages[0]
    'SMILES Parse Error: syntax error while parsing: C1CC('
    """
    messages: list[str] = []
    with rdBase.BlockLogs():
        capture = rdBase.CaptureErrorLog()
        capture.__enter__()
        try:
            yield messages
        finally:
            capture.__exit__(None, None, None)
            for line in capture.messages.splitlines():
                line = _TIMESTAMP.sub("", line).strip()
                if line:
                    messages.append(line)


def canonical_ranks(mol: Chem.Mol, break_ties: bool = False, chirality: bool = True) -> list[int]:
    """Canonical atom ranks (independent of the input atom order), computed on a copy with fresh ring data: every
    tie-break by symmetry in the package goes through this function.

    ``Chem.CanonicalRankAtoms`` needs ring data that ``Chem.RenumberAtoms`` output lacks in some RDKit versions;
    ``break_ties`` gives symmetry-equivalent atoms distinct ranks, ``chirality`` lets stereo labels tell atoms apart.

    >>> canonical_ranks(Chem.MolFromSmiles("OCC")) == canonical_ranks(Chem.MolFromSmiles("CCO"))[::-1]
    True
    """
    copy = Chem.Mol(mol)
    copy.UpdatePropertyCache(strict=False)
    Chem.GetSymmSSSR(copy)
    return list(Chem.CanonicalRankAtoms(copy, breakTies=break_ties, includeChirality=chirality))


def all_substruct_matches(mol: Chem.Mol, pattern: Chem.Mol, uniquify: bool = False, first_cap: int = 1000) -> tuple[tuple[int, ...], ...]:
    """Every substructure match: RDKit stops at ``maxMatches`` without saying so, so ask again with a
    ten times larger cap until fewer matches than the cap come back (none was cut off).

    >>> polymer = Chem.MolFromSmiles("C" * 3000)
    >>> len(all_substruct_matches(polymer, Chem.MolFromSmarts("[CH2]"), uniquify=True))
    2998
    """
    cap = first_cap
    while True:
        matches = mol.GetSubstructMatches(pattern, uniquify=uniquify, maxMatches=cap)
        if len(matches) < cap:
            return matches
        cap *= 10


def _sanitize_or_raise(mol: Chem.Mol) -> Chem.Mol:
    """Sanitize in place; turn RDKit's exception into a one-line :class:`MoleculeParseError`."""
    try:
        Chem.SanitizeMol(mol)
    except Exception as exc:  # RDKit raises several unrelated exception classes here
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MoleculeParseError(f"sanitize: {message[0].lower()}{message[1:]}") from None
    return mol


def redrawn_or_none(work: Chem.RWMol) -> Chem.Mol | None:
    """The edited molecule ``work`` sanitized (RDKit's messages kept quiet), or None when RDKit refuses the drawing
    (a tautomer edit that leaves no Kekule structure): the callers then keep the drawing they had.

    >>> redrawn_or_none(Chem.RWMol(Chem.MolFromSmiles("c1ccccc1"))) is not None
    True
    """
    edited = work.GetMol()
    try:
        with quiet_rdkit():
            Chem.SanitizeMol(edited)
    except Exception:  # noqa: BLE001 - RDKit raises several unrelated exception classes here
        return None
    return edited


# An alkali or alkaline-earth metal drawn bonded to N, O or S: a salt drawn with covalent bonds (C(=O)O[Na]).
_METAL_ON_HETEROATOM = Chem.MolFromSmarts("[Li,Na,K,Rb,Cs,Be,Mg,Ca,Sr,Ba]~[#7,#8,#16]")


def ionic_salt_form(mol: Chem.Mol) -> Chem.Mol:
    """``mol`` itself, or, when an alkali or alkaline-earth metal is drawn bonded to N, O or S (a salt drawn with
    covalent bonds, ``C(=O)O[Na]``), the ionic form RDKit's ``MetalDisconnector`` gives (``C(=O)[O-].[Na+]``), as the
    salt is in solution and as the other drawings of the same salt are read. No atom is added, removed or moved, so
    atom numbers keep their meaning.

    >>> Chem.MolToSmiles(ionic_salt_form(Chem.MolFromSmiles("O=C1CN(CC(=O)O[Na])CCCN1")))
    'O=C([O-])CN1CCCNC(=O)C1.[Na+]'
    """
    if not mol.HasSubstructMatch(_METAL_ON_HETEROATOM):
        return mol
    from rdkit.Chem.MolStandardize import rdMolStandardize

    ionic = rdMolStandardize.MetalDisconnector().Disconnect(mol)
    Chem.SanitizeMol(ionic)  # ring information and aromaticity of the new molecule
    return ionic


# N1=C2-OH of a seven-membered ring whose lactam is a 1,4-diazepan-2-one (N1, C2, C3, N4, C5, C6, C7); then N4=C5-OH
# of such a ring (a 2,5-dione with its 5-one drawn as the lactim). Each with the atoms (N, C, O) that change.
_RING_LACTIMS = (
    (Chem.MolFromSmarts("[#7;R;+0]1=[#6;R](-[OX2H1])~[#6;R]~[#7;R]~[#6;R]~[#6;R]~[#6;R]~1"), (0, 1, 2)),
    (Chem.MolFromSmarts("[#7;R]1~[#6;R](=[#8])~[#6;R]~[#7;R;+0]=[#6;R](-[OX2H1])~[#6;R]~[#6;R]~1"), (4, 5, 6)),
)
# the lactim unit both patterns need (HO-C=N in a ring): a three-atom search that almost every molecule fails, before
# the two seven-ring searches
_RING_LACTIM_SCREEN = Chem.MolFromSmarts("[OX2H1]-[#6;R]=[#7;R;+0]")
#: Molecule property set by :func:`lactam_form` on a molecule it redrew: the nitrogens (0-based, comma-separated)
#: that took the hydrogen (perception then says so).
LACTIM_REDRAWN = "_rx_lactim_redrawn"
#: Property set by :func:`azine_lactam_form` on each oxygen it turned from O-H into C=O (an atom property, so it
#: follows the atom through copies that drop hydrogen atoms; the pKa result lists these oxygens among its
#: assumptions), and on the molecule it redrew.
AZINE_LACTIM_REDRAWN = "_rx_azine_lactim_redrawn"


def _move_hydrogen_atom(work: Chem.RWMol, oxygen: int, nitrogen: int) -> bool:
    """Move an explicit H atom of ``oxygen`` to ``nitrogen`` (same atom, same index); False when the oxygen's
    hydrogen is an implicit count (the caller then sets the nitrogen's count)."""
    hydrogen = next((nb.GetIdx() for nb in work.GetAtomWithIdx(oxygen).GetNeighbors() if nb.GetAtomicNum() == 1), None)
    if hydrogen is None:
        return False
    work.RemoveBond(oxygen, hydrogen)
    work.AddBond(nitrogen, hydrogen, Chem.BondType.SINGLE)
    return True


def recount_hydrogens(atom: Chem.Atom) -> None:
    """Let RDKit count an edited atom's hydrogens again from its new bonds (no explicit count, implicit H allowed)."""
    atom.SetNumExplicitHs(0)
    atom.SetNoImplicit(False)


def shift_double_bond(work: Chem.RWMol, carbon: int, from_atom: int, to_atom: int) -> None:
    """A 1,3-proton shift in place: ``from_atom``=C becomes a single bond and C-``to_atom`` a double bond, the
    hydrogen going the other way (an explicit H atom on ``to_atom`` moves to ``from_atom``, same index; implicit ones
    are counted again). HO-C=N to O=C-NH, or an amidine's C=N from one nitrogen to the other; the caller sanitizes.

    >>> work = Chem.RWMol(Chem.MolFromSmiles("CN=C(C)O"))
    >>> shift_double_bond(work, 2, 1, 4)
    >>> Chem.MolToSmiles(redrawn_or_none(work))
    'CNC(C)=O'
    """
    bond = work.GetBondBetweenAtoms(carbon, from_atom)
    bond.SetBondType(Chem.BondType.SINGLE)
    bond.SetStereo(Chem.BondStereo.STEREONONE)
    work.GetBondBetweenAtoms(carbon, to_atom).SetBondType(Chem.BondType.DOUBLE)
    _move_hydrogen_atom(work, to_atom, from_atom)
    for index in (from_atom, to_atom):
        recount_hydrogens(work.GetAtomWithIdx(index))


# a charge-separated S-O, P-O or Se-O bond: [S+]-[O-] of a sulfoxide, [S+2]([O-])[O-] of a sulfone, [P+]-[O-]
_SEPARATED_OXIDE = Chem.MolFromSmarts("[S,P,Se;+1,+2]-[OX1-]")


def oxide_bond_form(mol: Chem.Mol) -> Chem.Mol:
    """``mol`` itself, or a copy in which sulfoxides, sulfones, phosphine oxides and selenoxides drawn with separated
    charges (``C[S+](C)[O-]``, as some databases store them) are drawn with their S=O, P=O or Se=O bonds: one compound
    (one InChIKey) in two drawings, which the site rules and the pKa model would otherwise read as two (a sulfoxide
    two bonds from an amine gave it 6.44 against 7.09). Only an atom whose positive charge equals its number of
    single-bonded O- neighbours is redrawn, so the result is neutral there; nitro groups and N-oxides (nitrogen has no
    such bond) stay as drawn. Atom numbers keep their meaning.

    >>> Chem.MolToSmiles(oxide_bond_form(Chem.MolFromSmiles("C[S+](C)[O-]")))
    'CS(C)=O'
    >>> Chem.MolToSmiles(oxide_bond_form(Chem.MolFromSmiles("C[S+2]([O-])([O-])C")))
    'CS(C)(=O)=O'
    >>> mol = Chem.MolFromSmiles("C[N+](C)(C)[O-]")  # an N-oxide: left as drawn
    >>> oxide_bond_form(mol) is mol
    True
    """
    if not mol.HasSubstructMatch(_SEPARATED_OXIDE):
        return mol
    work = Chem.RWMol(mol)
    for centre in sorted({match[0] for match in mol.GetSubstructMatches(_SEPARATED_OXIDE)}):
        atom = work.GetAtomWithIdx(centre)
        oxides = [nb.GetIdx() for nb in atom.GetNeighbors() if nb.GetAtomicNum() == 8 and nb.GetFormalCharge() == -1
                  and nb.GetDegree() == 1 and work.GetBondBetweenAtoms(centre, nb.GetIdx()).GetBondType()
                  == Chem.BondType.SINGLE]
        if len(oxides) != atom.GetFormalCharge():
            continue
        atom.SetFormalCharge(0)
        for oxygen in oxides:
            work.GetBondBetweenAtoms(centre, oxygen).SetBondType(Chem.BondType.DOUBLE)
            work.GetAtomWithIdx(oxygen).SetFormalCharge(0)
            recount_hydrogens(work.GetAtomWithIdx(oxygen))
    edited = redrawn_or_none(work)
    return mol if edited is None else edited


def lactam_form(mol: Chem.Mol) -> Chem.Mol:
    """``mol`` itself, or, when a 1,4-diazepan-2-one ring is drawn as its lactim tautomer (N1=C2-OH), a copy with
    that ring drawn as the lactam (N1H-C2=O): the compound in the vial, as InChI also says (both drawings give one
    InChIKey). The same for a ring's 5-one drawn as its lactim (N4=C5-OH of a 1,4-benzodiazepine-2,5-dione). Only the
    N-C and C-O bonds and the hydrogen change; no atom is added, removed or moved (an explicit H atom on the oxygen
    moves to the nitrogen), so atom numbers keep their meaning. The copy carries the property ``LACTIM_REDRAWN``.
    Lactim ethers (N1=C2-OR), lactim anions, charged nitrogens and the lactims of other rings are left as drawn.

    >>> Chem.MolToSmiles(lactam_form(Chem.MolFromSmiles("OC1=Nc2ccc(Cl)cc2C(c2ccccc2Cl)=NC1")))  # delorazepam
    'O=C1CN=C(c2ccccc2Cl)c2cc(Cl)ccc2N1'
    >>> Chem.MolToSmiles(lactam_form(Chem.MolFromSmiles("CC1N=C(O)c2ccccc2NC1=O")))  # a 2,5-dione's 5-lactim
    'CC1NC(=O)c2ccccc2NC1=O'
    >>> mol = Chem.MolFromSmiles("COC1=NCCCNC1")  # a lactim ether: another compound
    >>> lactam_form(mol) is mol
    True
    """
    if not mol.HasSubstructMatch(_RING_LACTIM_SCREEN):
        return mol
    current, redrawn = mol, []
    for pattern, (n_at, c_at, o_at) in _RING_LACTIMS:
        if not current.HasSubstructMatch(pattern):
            continue
        work = Chem.RWMol(current)
        for nitrogen, carbon, oxygen in sorted({(m[n_at], m[c_at], m[o_at]) for m in current.GetSubstructMatches(pattern)}):
            if nitrogen in redrawn or work.GetBondBetweenAtoms(carbon, oxygen).GetBondType() == Chem.BondType.DOUBLE:
                continue
            shift_double_bond(work, carbon, nitrogen, oxygen)
            redrawn.append(nitrogen)
        lactam = redrawn_or_none(work)
        if lactam is None:  # an unusual drawing the edit cannot carry: kept as drawn (named)
            return mol
        current = lactam
    if current is mol:
        return mol
    current.SetProp(LACTIM_REDRAWN, ",".join(str(index) for index in redrawn))
    return current


#: Property set by :func:`amide_form` on each oxygen it turned from an imidic acid's O-H into C=O, and on the molecule.
IMIDIC_ACID_REDRAWN = "_rx_imidic_acid_redrawn"
# the O-H of an imidic acid (HO-C=N, not aromatic): an amide, urea or hydroxamic acid drawn as its minor tautomer
_IMIDIC_ACID = Chem.MolFromSmarts("[OX2H1;+0]-[CX3;!a]=[NX2;+0;!a]")


def amide_form(mol: Chem.Mol) -> Chem.Mol:
    """``mol`` itself, or a copy in which each imidic acid (HO-C=N outside aromatic rings) is drawn as the amide it
    is in the vial: ``CN=C(C)O`` as N-methylacetamide, ``CC(O)=NO`` as acetohydroxamic acid, a lactim of any
    non-aromatic ring as its lactam (the 1,4-diazepan-2-one's own lactims are redrawn first, with a note, by
    :func:`lactam_form`). Amides are the dominant tautomers by many orders of magnitude, and both drawings are one
    compound (one InChIKey). Only the C-O and C-N bonds and the hydrogen change; atom numbers keep their meaning.
    Imidates (RO-C=N), charged units and hydroxy groups on aromatic rings (:func:`azine_lactam_form`) are left alone.

    >>> Chem.MolToSmiles(amide_form(Chem.MolFromSmiles("CN=C(C)O")))
    'CNC(C)=O'
    >>> mol = Chem.MolFromSmiles("COC(C)=NC")  # an imidate: another compound
    >>> amide_form(mol) is mol
    True
    """
    # match (O, C, N): the C=N moves to the oxygen (a HO-C(=N)-N=C-OH chain moves each carbon's bond once)
    return _shifted_units(mol, _IMIDIC_ACID, lambda match: (match[1], match[2], match[0]), IMIDIC_ACID_REDRAWN)


def _shifted_units(mol: Chem.Mol, pattern: Chem.Mol, unit: Callable[[tuple[int, ...]], tuple[int, int, int]],
                   flag: str) -> Chem.Mol:
    """``mol`` itself when ``pattern`` is not in it; else a copy in which, for each match (in sorted order),
    ``unit(match)`` = (carbon, from, to) names a double bond carbon=from that becomes carbon=to
    (:func:`shift_double_bond`; skipped when an earlier match moved that bond already), with ``flag`` set on each
    ``to`` atom and on the molecule. A drawing RDKit will not take leaves ``mol`` as drawn."""
    if not mol.HasSubstructMatch(pattern):
        return mol
    work = Chem.RWMol(mol)
    moved = []
    for match in sorted(mol.GetSubstructMatches(pattern)):
        carbon, source, target = unit(match)
        if work.GetBondBetweenAtoms(carbon, source).GetBondType() != Chem.BondType.DOUBLE:
            continue  # this carbon's double bond was moved by an earlier unit
        shift_double_bond(work, carbon, source, target)
        moved.append(target)
    edited = redrawn_or_none(work)
    if edited is None:  # an unusual drawing the edit cannot carry: kept as drawn
        return mol
    for atom in moved:
        edited.GetAtomWithIdx(atom).SetBoolProp(flag, True)
    edited.SetBoolProp(flag, True)
    return edited


#: Property set by :func:`amidoxime_form` on each N-O nitrogen that took the C=N, and on the molecule.
AMIDOXIME_REDRAWN = "_rx_amidoxime_redrawn"
# an amidine whose C=N lies away from its N-hydroxy or N-alkoxy nitrogen (R-C(=NR')-NH-OR"): an amidoxime drawn as its
# imino-hydroxylamine tautomer; the C-N(O) bond outside rings
_IMINO_HYDROXYLAMINE = Chem.MolFromSmarts("[OX2;+0]-[NX3;H1;+0;!a]-!@[CX3;!a]=[NX2;+0;!a;!$(N-[#8])]")
_IMINO_HYDROXYLAMINE_SCREEN = Chem.MolFromSmarts("[OX2;+0]-[NX3;H1;+0;!a]-!@[CX3;!a]=[NX2;+0;!a]")  # no recursion


def amidoxime_form(mol: Chem.Mol) -> Chem.Mol:
    """``mol`` itself, or a copy in which each amidoxime drawn as its imino-hydroxylamine tautomer
    (``CC(=N)NO``) is drawn as the amidoxime (``CC(N)=NO``), the tautomer that dominates (Sahyoun, Arrault &
    Schneider, Molecules 2019, 24, 2470, DOI 10.3390/molecules24132470); O-alkyl amidoximes and N-hydroxyguanidines
    alike. Both drawings are one compound (one InChIKey); without this a hydroxylamine N-H would be found in one
    drawing only. Only the two C-N bonds and the hydrogen change; atom numbers keep their meaning. A unit whose
    C-N(O) bond is in a ring is left as drawn.

    >>> Chem.MolToSmiles(amidoxime_form(Chem.MolFromSmiles("CC(=N)NO")))
    'CC(N)=NO'
    >>> mol = Chem.MolFromSmiles("CC(N)=NO")
    >>> amidoxime_form(mol) is mol
    True
    """
    if not mol.HasSubstructMatch(_IMINO_HYDROXYLAMINE_SCREEN):
        return mol
    # match (O, N-O nitrogen, C, imine N): the C=N moves to the N-O nitrogen
    return _shifted_units(mol, _IMINO_HYDROXYLAMINE, lambda match: (match[2], match[3], match[1]), AMIDOXIME_REDRAWN)


#: Property set by :func:`dicarbonyl_keto_form` on each enol oxygen it turned into C=O, and on the molecule.
DICARBONYL_ENOL_REDRAWN = "_rx_dicarbonyl_enol_redrawn"
# the enol of an open-chain 1,3-dicarbonyl: HO-C(R)=C-C=O with the enol carbon and the alpha carbon outside rings, a
# carbon (not H) on the enol carbon and no cyano or second acyl group on the alpha carbon (those enols dominate)
_DICARBONYL_ENOL = Chem.MolFromSmarts(
    "[OX2H1;+0]-[CX3;!R;!H1;$(C-[#6])]=[CX3;!R;!$(C-C#N);!$(C(-[CX3]=O)-[CX3]=O)]-[CX3]=[OX1]")
# the same without its recursive parts, which RDKit evaluates over the whole molecule before any search: a cheap
# first test that almost every molecule fails
_DICARBONYL_ENOL_SCREEN = Chem.MolFromSmarts("[OX2H1;+0]-[CX3;!R]=[CX3;!R]-[CX3]=[OX1]")


def dicarbonyl_keto_form(mol: Chem.Mol) -> Chem.Mol:
    """``mol`` itself, or a copy in which the enol of each open-chain 1,3-dicarbonyl (a 1,3-diketone, 3-keto ester or
    3-keto amide drawn ``CC(O)=CC(C)=O``) is drawn as its keto form (``CC(=O)CC(C)=O``). Keto and enol are tautomers
    that interconvert in solution (their ratio depends on solvent and substituents), so every capability reads one
    drawing: the keto one, which open data and most files use for such groups. Enols that dominate are left
    as drawn: a beta-keto aldehyde's (H on the enol carbon), one with a cyano or a second acyl group on the alpha
    carbon (teriflunomide), and any whose enol or alpha carbon is in a ring (tenidap, oxicams, tetracyclines, cyclic
    1,3-diones). Only the C=C, the C-O bond and the hydrogen change; atom numbers keep their meaning.

    >>> Chem.MolToSmiles(dicarbonyl_keto_form(Chem.MolFromSmiles("CC(O)=CC(C)=O")))
    'CC(=O)CC(C)=O'
    >>> mol = Chem.MolFromSmiles("CC(O)=C(C#N)C(=O)Nc1ccc(C(F)(F)F)cc1")  # teriflunomide: a dominant enol
    >>> dicarbonyl_keto_form(mol) is mol
    True
    """
    if not mol.HasSubstructMatch(_DICARBONYL_ENOL_SCREEN):
        return mol
    # match (O, enol C, alpha C, acyl C, acyl O): the enol's C=C moves to its oxygen, the hydrogen to the alpha carbon
    return _shifted_units(mol, _DICARBONYL_ENOL, lambda match: (match[1], match[2], match[0]), DICARBONYL_ENOL_REDRAWN)


# O-H on an aromatic carbon of a six-membered ring that also holds a pyridine-type nitrogen: a screen for
# azine_lactam_form (the ring position is checked in code).
_AZINE_LACTIM_SCREEN = Chem.MolFromSmarts("[OX2H1;+0]-[c;r6]")
_PYRIDINE_N = Chem.MolFromSmarts("[nX2;H0;+0;r6]")


def _azine_lactim_candidates(mol: Chem.Mol) -> list[tuple[int, int, list[int], list[int]]]:
    """(O, C, ortho pyridine-type N, para pyridine-type N) for each O-H on an aromatic carbon of a six-membered
    aromatic ring that holds such a nitrogen."""
    rings = [ring for ring in mol.GetRingInfo().AtomRings()
             if len(ring) == 6 and all(mol.GetAtomWithIdx(a).GetIsAromatic() for a in ring)]
    pyridine_n = {m[0] for m in mol.GetSubstructMatches(_PYRIDINE_N)}
    found = []
    for oxygen, carbon in mol.GetSubstructMatches(_AZINE_LACTIM_SCREEN):
        ortho: list[int] = []
        para: list[int] = []
        for ring in rings:
            if carbon not in ring:
                continue
            at = ring.index(carbon)
            ortho += [ring[(at + step) % 6] for step in (1, 5) if ring[(at + step) % 6] in pyridine_n]
            para += [ring[(at + 3) % 6]] if ring[(at + 3) % 6] in pyridine_n else []
        if ortho or para:
            found.append((oxygen, carbon, ortho, para))
    return found


def _move_lactim_hydrogen(work: Chem.RWMol, oxygen: int, carbon: int, nitrogen: int) -> None:
    """O-H on ``carbon`` becomes C=O, the hydrogen goes to ``nitrogen`` (an explicit H atom moves, same index)."""
    work.GetBondBetweenAtoms(carbon, oxygen).SetBondType(Chem.BondType.DOUBLE)
    work.GetBondBetweenAtoms(carbon, oxygen).SetIsAromatic(False)
    n_atom = work.GetAtomWithIdx(nitrogen)
    n_atom.SetNumExplicitHs(0 if _move_hydrogen_atom(work, oxygen, nitrogen) else 1)
    n_atom.SetNoImplicit(True)  # an aromatic N gets no implicit H: its one H is stated
    recount_hydrogens(work.GetAtomWithIdx(oxygen))


def azine_lactam_form(mol: Chem.Mol) -> Chem.Mol:
    """``mol`` itself, or a copy in which each hydroxy group on a ring carbon next to (2-) or opposite (4-) a
    pyridine-type nitrogen of the same six-membered aromatic ring is drawn as the ring's lactam: 2-hydroxypyridine
    as 2-pyridone, 2,4-dihydroxypyrimidine as uracil, 4-hydroxyquinazoline as quinazolin-4(3H)-one. In water these
    oxo tautomers dominate (2-pyridone over 2-hydroxypyridine by about 10^3), and both drawings give the same cation
    and the same anion, so a pKa must not depend on which one was drawn. Only bonds and hydrogens change; atom
    numbers keep their meaning.

    The nitrogen next to the carbon is preferred to the one opposite it (a 4-hydroxy-2-pyridone, not a
    2-hydroxy-4-pyridone); between two neighbouring nitrogens, the one whose other ring neighbour carries no amino or
    oxygen group (cytosine's N1-H), then the canonical atom order. A hydroxy group whose nitrogen is taken, or whose
    lactam cannot be drawn (4,6-dihydroxypyrimidine has room for one), stays. Hydroxy groups on five-membered rings
    (pyrazolones, hydroxyimidazoles: their tautomers depend on the substituents), thiols and charged rings are left
    as drawn.

    >>> Chem.MolToSmiles(azine_lactam_form(Chem.MolFromSmiles("Oc1ccnc(O)n1")))  # uracil
    'O=c1cc[nH]c(=O)[nH]1'
    >>> Chem.MolToSmiles(azine_lactam_form(Chem.MolFromSmiles("Nc1ccnc(O)n1")))  # cytosine
    'Nc1cc[nH]c(=O)n1'
    >>> Chem.MolToSmiles(azine_lactam_form(Chem.MolFromSmiles("Oc1cc(O)ncc1")))  # 4-hydroxy-2-pyridone
    'O=c1cc(O)cc[nH]1'
    >>> mol = Chem.MolFromSmiles("Oc1cccnc1")  # 3-hydroxypyridine: no lactam to draw
    >>> azine_lactam_form(mol) is mol
    True
    """
    if not mol.HasSubstructMatch(_AZINE_LACTIM_SCREEN) or not mol.HasSubstructMatch(_PYRIDINE_N):
        return mol
    candidates = _azine_lactim_candidates(mol)
    if not candidates:
        return mol
    ranks = canonical_ranks(mol)

    def crowded(nitrogen: int, carbon: int) -> bool:  # the N's other ring neighbour carries an N or O group
        return any(nb.GetIdx() != carbon and nb.GetIsAromatic() and any(
            x.GetAtomicNum() in (7, 8) and not x.GetIsAromatic() for x in nb.GetNeighbors())
            for nb in mol.GetAtomWithIdx(nitrogen).GetNeighbors())

    current = mol
    while candidates:  # one edit at a time, the preferred first; one that cannot be kekulized is passed over
        options = sorted(
            ((position, crowded(nitrogen, carbon), ranks[oxygen], ranks[nitrogen], oxygen, nitrogen), carbon)
            for oxygen, carbon, ortho, para in candidates
            for position, nitrogens in ((2, ortho), (4, para))
            for nitrogen in nitrogens
        )
        for (*_, oxygen, nitrogen), carbon in options:
            work = Chem.RWMol(current)
            _move_lactim_hydrogen(work, oxygen, carbon, nitrogen)
            edited = redrawn_or_none(work)
            if edited is None:  # no lactam drawing for this pair beside the others: try the next
                continue
            current = edited
            current.GetAtomWithIdx(oxygen).SetBoolProp(AZINE_LACTIM_REDRAWN, True)
            current.SetBoolProp(AZINE_LACTIM_REDRAWN, True)  # and on the molecule: a check without visiting atoms
            candidates = _azine_lactim_candidates(current)
            break
        else:
            break
    return current


#: Property set by :func:`amino_azine_form` on each exocyclic nitrogen it turned from C=N into C-N, and on the
#: molecule it redrew.
IMINO_AZINE_REDRAWN = "_rx_imino_azine_redrawn"
# an exocyclic C=N on an aromatic ring carbon (pyridin-2(1H)-imine, thiazol-2(3H)-imine, 6-imino-1H-purine)
_IMINO_AZINE_SCREEN = Chem.MolFromSmarts("[N;+0;!R]=[c]")
_RING_NH = Chem.MolFromSmarts("[n;H1;+0]")


def _imino_azine_candidates(mol: Chem.Mol) -> list[tuple[int, int, list[int]]]:
    """(exocyclic N, ring C, N-H ring nitrogens of a five- or six-membered ring holding C) for each exocyclic imine on
    an aromatic carbon whose nitrogen carries only hydrogen or carbon that is not an acyl, imidoyl or sulfonyl carbon.
    Seven-membered rings are left out: RDKit calls some diazepinones aromatic (a 5-imino-1,4-benzodiazepin-2-one
    drawn with aromatic bonds), and their N1-H is a lactam N-H, not an azine's."""
    ring_nh = {m[0] for m in mol.GetSubstructMatches(_RING_NH)}
    if not ring_nh:
        return []
    rings = mol.GetRingInfo().AtomRings()
    found = []
    for nitrogen, carbon in mol.GetSubstructMatches(_IMINO_AZINE_SCREEN):
        other = [nb for nb in mol.GetAtomWithIdx(nitrogen).GetNeighbors()
                 if nb.GetIdx() != carbon and nb.GetAtomicNum() != 1]
        if any(nb.GetAtomicNum() != 6 or (not nb.GetIsAromatic() and any(
                b.GetBondType() == Chem.BondType.DOUBLE for b in nb.GetBonds())) for nb in other):
            continue
        holders = sorted({a for ring in rings if carbon in ring and len(ring) in (5, 6) for a in ring if a in ring_nh})
        if holders:
            found.append((nitrogen, carbon, holders))
    return found


def amino_azine_form(mol: Chem.Mol) -> Chem.Mol:
    """``mol`` itself, or a copy in which each exocyclic imine on a carbon of an aromatic ring that holds an N-H is
    drawn as the amino-heteroaromatic tautomer: pyridin-2(1H)-imine as 2-aminopyridine, thiazol-2(3H)-imine as
    2-aminothiazole, 1,3-dihydro-2H-benzimidazol-2-imine as 2-aminobenzimidazole, 6-imino-1H-purine as adenine. The
    amino tautomers dominate (2-aminopyridine over its imine by about 10^5 and more), and both drawings are one
    compound with one cation, so no answer may depend on the drawing. A ring N-H next to the imine's carbon gives its
    hydrogen before one further away (cytosine's 4-imino drawing becomes cytosine, not its 3H tautomer), then the one
    first in the canonical order; only bonds and hydrogens change, atom numbers keep their meaning. Imines whose
    nitrogen carries an acyl, sulfonyl or other heteroatom group (N-sulfonyl pyridinimines are real imide tautomers),
    imines on rings with no N-H (an N-alkyl ring: another compound) and charged rings are left as drawn.

    >>> Chem.MolToSmiles(amino_azine_form(Chem.MolFromSmiles("N=c1cccc[nH]1")))
    'Nc1ccccn1'
    >>> Chem.MolToSmiles(amino_azine_form(Chem.MolFromSmiles("Cc1csc(=N)[nH]1")))
    'Cc1csc(N)n1'
    >>> Chem.MolToSmiles(amino_azine_form(Chem.MolFromSmiles("N=c1cc[nH]c(=O)[nH]1")))  # cytosine
    'Nc1cc[nH]c(=O)n1'
    >>> mol = Chem.MolFromSmiles("CN=c1ccccn1C")  # an N-methylpyridinimine: no hydrogen to move
    >>> amino_azine_form(mol) is mol
    True
    """
    if not mol.HasSubstructMatch(_IMINO_AZINE_SCREEN):
        return mol
    candidates = _imino_azine_candidates(mol)
    if not candidates:
        return mol
    ranks = canonical_ranks(mol)
    current = mol
    while candidates:  # one edit at a time; one that cannot be kekulized is passed over
        options = sorted((current.GetBondBetweenAtoms(carbon, holder) is None, ranks[holder], ranks[nitrogen],
                          nitrogen, carbon, holder)
                         for nitrogen, carbon, holders in candidates for holder in holders)
        for *_, nitrogen, carbon, holder in options:
            work = Chem.RWMol(current)
            bond = work.GetBondBetweenAtoms(nitrogen, carbon)
            bond.SetBondType(Chem.BondType.SINGLE)
            bond.SetIsAromatic(False)
            bond.SetStereo(Chem.BondStereo.STEREONONE)
            moved_atom = _move_hydrogen_atom(work, holder, nitrogen)
            ring_n = work.GetAtomWithIdx(holder)
            ring_n.SetNumExplicitHs(0)
            ring_n.SetNoImplicit(True)
            if not moved_atom:
                recount_hydrogens(work.GetAtomWithIdx(nitrogen))
            edited = redrawn_or_none(work)
            if edited is None:
                continue
            current = edited
            current.GetAtomWithIdx(nitrogen).SetBoolProp(IMINO_AZINE_REDRAWN, True)
            current.SetBoolProp(IMINO_AZINE_REDRAWN, True)
            candidates = _imino_azine_candidates(current)
            break
        else:
            break
    return current


def fragments_holding(fragments: tuple[tuple[int, ...], ...], anchors: set[int] | frozenset[int]) -> frozenset[int] | None:
    """The atoms of the fragments (``Chem.GetMolFrags`` indices) that hold any of ``anchors``: the molecule a
    record is about, without its counter-ions or solvent; None for a one-fragment record or when no anchor is given.

    >>> mol = Chem.MolFromSmiles("O=C1CNCCCN1.CCO")
    >>> sorted(fragments_holding(Chem.GetMolFrags(mol), {7}))
    [0, 1, 2, 3, 4, 5, 6, 7]
    """
    if len(fragments) == 1 or not anchors:
        return None
    return frozenset(a for frag in fragments if not anchors.isdisjoint(frag) for a in frag)


def assign_stereo(mol: Chem.Mol) -> Chem.Mol:
    """``mol`` (in place) with its double-bond (E/Z) and tetrahedral stereo perceived from its drawing, as RDKit's
    default readers do: the project's readers parse without sanitizing, so this step is theirs to take. Without it an
    E or Z double bond lives only in the bond directions of the drawing and is lost in any product made by editing
    the molecule (an acylated amine, an N-nitroso compound, a degradant), whose SMILES and InChIKey then have no
    stereo layer.

    >>> mol = Chem.MolFromSmiles("C/C=C/C", sanitize=False)
    >>> Chem.SanitizeMol(mol) == Chem.SanitizeFlags.SANITIZE_NONE
    True
    >>> str(assign_stereo(mol).GetBondWithIdx(1).GetStereo())
    'STEREOE'
    """
    Chem.AssignStereochemistry(mol, cleanIt=True, force=True)
    return mol


_EXCHANGEABLE_LABEL = Chem.MolFromSmarts("[2#1,3#1]-[#7,#8,#16]")


def exchangeable_label_form(mol: Chem.Mol) -> Chem.Mol:
    """``mol`` itself, or a copy whose deuterium and tritium atoms on N, O or S are plain hydrogen atoms: such labels
    exchange with any protic solvent or work-up (an N-D amine is an N-H amine in water or methanol), and drawn as
    atoms they made an N-H look like an N-substituent. Carbon-bound labels stay (they survive, and change masses).
    The same atoms in the same order.

    >>> Chem.MolToSmiles(exchangeable_label_form(Chem.MolFromSmiles("[2H]OC([2H])([2H])C")))
    '[H]OC([2H])([2H])C'
    """
    if mol.GetNumAtoms() == mol.GetNumHeavyAtoms():  # no hydrogen drawn as an atom: nothing to look for
        return mol
    matches = mol.GetSubstructMatches(_EXCHANGEABLE_LABEL)
    if not matches:
        return mol
    copy = Chem.Mol(mol)
    for hydrogen, _ in matches:
        copy.GetAtomWithIdx(hydrogen).SetIsotope(0)
    return copy


def read_form(mol: Chem.Mol) -> Chem.Mol:
    """A sanitized molecule as every reader of the project hands it on: a salt drawn with covalent metal bonds as its
    ions (:func:`ionic_salt_form`), a charge-separated sulfoxide, sulfone or phosphine oxide with its S=O or P=O
    (:func:`oxide_bond_form`), a lactim drawing of the ring as the lactam (:func:`lactam_form`), any other
    imidic acid as its amide (:func:`amide_form`), an imino-hydroxylamine as its amidoxime (:func:`amidoxime_form`),
    the enol of an open-chain 1,3-dicarbonyl as its keto form (:func:`dicarbonyl_keto_form`), a hydroxy-azine drawn
    as its lactam (:func:`azine_lactam_form`: 2-hydroxypyridine as 2-pyridone) and an imino-azine as the amine
    (:func:`amino_azine_form`: pyridin-2(1H)-imine as 2-aminopyridine), and a deuterium or tritium on N, O or S as
    hydrogen (:func:`exchangeable_label_form`); the same atoms in the same order."""
    return amino_azine_form(azine_lactam_form(dicarbonyl_keto_form(amidoxime_form(amide_form(lactam_form(
        oxide_bond_form(ionic_salt_form(exchangeable_label_form(mol)))))))))


def with_ring_info(mol: Chem.Mol) -> Chem.Mol:
    """``mol`` itself when its ring information is set, else a copy with it (e.g. after ``Chem.RenumberAtoms``).

    Atom indices are unchanged either way.

    >>> renumbered = Chem.RenumberAtoms(Chem.MolFromSmiles("O=C1CNCCCN1"), [7, 6, 5, 4, 3, 2, 1, 0])
    >>> with_ring_info(renumbered).GetRingInfo().NumAtomRings(0)
    1
    """
    if mol.GetNumAtoms() == 0:
        return mol
    try:
        with rdBase.BlockLogs():  # RDKit logs the failed check (with a stack trace) before it raises
            mol.GetRingInfo().NumAtomRings(0)
        return mol
    except RuntimeError:
        copy = Chem.Mol(mol)
        copy.UpdatePropertyCache(strict=False)
        Chem.GetSymmSSSR(copy)
        return copy


def as_read(mol: Chem.Mol, caller: str) -> Chem.Mol:
    """A molecule handed to a public function (``caller``, named in the error), in the form the project's readers
    give (:func:`read_form`), with ring information and perceived stereo (:func:`assign_stereo`, on a copy, when
    RDKit has not done it): a molecule built in code gets the answers of the same structure read from a file,
    whether its salt is drawn with covalent metal bonds, its ring as the lactim or a pyridone as its hydroxypyridine.
    The same atoms in the same order,
    so indices into the result are indices into ``mol``; ``mol`` itself is not changed. Raises
    :class:`MoleculeParseError` for anything that is not an RDKit molecule.

    >>> lactim = Chem.MolFromSmiles("OC1=Nc2ccc(Cl)cc2C(c2ccccc2Cl)=NC1")  # delorazepam drawn as its lactim
    >>> Chem.MolToSmiles(as_read(lactim, "demo()"))
    'O=C1CN=C(c2ccccc2Cl)c2cc(Cl)ccc2N1'
    >>> as_read("O=C1CNCCCN1", "demo()")
    Traceback (most recent call last):
    ...
    reactivity.errors.MoleculeParseError: demo() needs an RDKit molecule, got str
    """
    if not isinstance(mol, Chem.Mol):
        raise MoleculeParseError(f"{caller} needs an RDKit molecule, got {type(mol).__name__}")
    ringed = with_ring_info(mol)  # mol itself, or already a copy
    if ringed.GetNumAtoms() and not ringed.HasProp("_StereochemDone"):  # e.g. read without sanitizing: a copy gets it
        with quiet_rdkit():
            ringed = assign_stereo(ringed if ringed is not mol else Chem.Mol(mol))
    return read_form(ringed)


def _parse(reader: Callable[[], Chem.Mol | None], what: str) -> Chem.Mol:
    with quiet_rdkit() as messages:
        mol = reader()
    if mol is None:
        reason = next((m for m in messages if not is_banner_line(m)), f"RDKit could not read the {what}")
        raise MoleculeParseError(reason)
    with quiet_rdkit():
        return read_form(assign_stereo(_sanitize_or_raise(mol)))


#: Atoms a single molecule may have in :func:`mol_from_smiles` / :func:`mol_from_molblock` (0: no limit). The
#: command line sets it (``reactivity.cli.main``) so a huge input is refused with a reason instead of running for
#: minutes or crashing inside RDKit; library callers get no limit unless they set it.
SINGLE_MOLECULE_MAX_ATOMS = 0

# Atoms as written in a SMILES (bracket atoms, two-letter and one-letter organic-subset symbols, *).
_SMILES_ATOM = re.compile(r"\[[^\]]*\]|Br|Cl|[BCNOPSFI]|[bcnops]|\*")


def smiles_atom_count(smiles: str) -> int:
    """Atoms written in a SMILES (implicit hydrogens not counted), without parsing it.

    >>> smiles_atom_count("O=C1CNCCCN1"), smiles_atom_count("[NH4+].[Cl-]"), smiles_atom_count("ClCBr")
    (8, 2, 3)
    """
    return len(_SMILES_ATOM.findall(smiles))


def _check_size(count: int) -> None:
    if SINGLE_MOLECULE_MAX_ATOMS and count > SINGLE_MOLECULE_MAX_ATOMS:
        raise MoleculeParseError(
            f"molecule has {count} atoms, more than the limit of {SINGLE_MOLECULE_MAX_ATOMS} for one molecule"
        )


def mol_from_smiles(smiles: str) -> Chem.Mol:
    """Parse and sanitize a SMILES string, raising :class:`MoleculeParseError` with a one-line reason.

    >>> mol_from_smiles("CN(C)(C)(C)C")
    Traceback (most recent call last):
    ...
    reactivity.errors.MoleculeParseError: sanitize: explicit valence for atom # 1 N, 5, is greater than permitted
    >>> mol_from_smiles("")
    Traceback (most recent call last):
    ...
    reactivity.errors.MoleculeParseError: empty SMILES
    """
    if not isinstance(smiles, str) or not smiles.strip():
        raise MoleculeParseError("empty SMILES")
    text = smiles.strip().split()[0]
    _check_size(smiles_atom_count(text))
    return _parse(lambda: Chem.MolFromSmiles(text, sanitize=False), "SMILES")


def mol_from_molblock(molblock: str) -> Chem.Mol:
    """Parse and sanitize a molfile block, keeping explicit hydrogen atoms and the atom order.

    >>> block = Chem.MolToMolBlock(Chem.MolFromSmiles("O=C1CNCCCN1"))
    >>> mol_from_molblock(block).GetNumAtoms()
    8
    """
    mol = _parse(
        lambda: Chem.MolFromMolBlock(molblock, sanitize=False, removeHs=False, strictParsing=True),
        "molblock",
    )
    _check_size(mol.GetNumAtoms())
    return mol


_ORIGINAL_INDEX = "_rx_input_index"


@dataclass(frozen=True, slots=True)
class FreeBaseView:
    """A working copy of a molecule (free base, no explicit H atoms) and the way back to the caller's indices.

    ``original_index[i]`` is the caller's index of working atom ``i``.
    """

    mol: Chem.Mol
    original_index: tuple[int, ...]
    protonated_n_neutralized: bool

    def input_index(self, working: int) -> int:
        """The caller's index of a working-copy atom."""
        return self.original_index[working]

    def working_index(self, original: int) -> int | None:
        """The working-copy index of a caller atom (None for a removed hydrogen)."""
        try:
            return self.original_index.index(original)
        except ValueError:
            return None


_CATIONIC_NITROGEN_WITH_H = Chem.MolFromSmarts("[#7+;!H0]")
#: An anionic acid atom (carboxylate, phenolate, thiolate, tetrazolide ...): not the O- of a nitro group, an N-oxide
#: or another charge-separated pair, nor of a nitroso/nitro-type N=O.
ANIONIC_ACID_SMARTS = "[O-,S-,N-,n-;!$([*-]~[*+]);!$([*-]-[#7]=O)]"
_ANIONIC_ACID = Chem.MolFromSmarts(ANIONIC_ACID_SMARTS)
#: An anion on an atom bonded to an acyl, sulfonyl or phosphoryl centre: the conjugate base of a strong acid.
_STRONG_ACID_ANION = Chem.MolFromSmarts("[O-,S-,N-]-[#6,#16,#15]=[O,S]")


def _protonated_nitrogens(mol: Chem.Mol) -> set[int]:
    """Indices of N+ atoms carrying H (explicit H atoms counted) and no negatively charged (-1) neighbour.

    One plain search (most molecules have no such atom), then the neighbours of the few it finds.
    """
    return {
        index for (index,) in mol.GetSubstructMatches(_CATIONIC_NITROGEN_WITH_H)
        if not any(neighbour.GetFormalCharge() == -1 for neighbour in mol.GetAtomWithIdx(index).GetNeighbors())
    }


def _inner_salt_anions(mol: Chem.Mol, protonated: set[int]) -> set[int]:
    """The anionic acid atoms that take back the protons of ``protonated`` nitrogens of their own fragment (an inner
    salt, drawn as its zwitterion, read as the neutral acid and base): one per proton, the weakest acids first (a
    phenolate before a carboxylate), between equals the first in canonical atom order."""
    anions = [index for (index,) in mol.GetSubstructMatches(_ANIONIC_ACID)]
    if not anions:
        return set()
    strong = {match[0] for match in mol.GetSubstructMatches(_STRONG_ACID_ANION)}
    ranks: list[int] = []  # computed only when a fragment has more anions than protons to give back
    chosen: set[int] = set()
    for fragment in Chem.GetMolFrags(mol):
        atoms = set(fragment)
        protons = len(protonated & atoms)
        here = [a for a in anions if a in atoms]
        if len(here) > protons > 0:
            ranks = ranks or canonical_ranks(mol, break_ties=True)
            here.sort(key=lambda a: (a in strong, ranks[a]))
        chosen.update(here[:protons])
    return chosen


def free_base_view(mol: Chem.Mol) -> FreeBaseView:
    """Copy ``mol``, drop explicit H atoms and neutralize protonated nitrogens (salts become free bases; a
    hydroxypyridinium-type cation becomes the lactam, :func:`azine_lactam_form`, as the readers draw the free base;
    an inner salt, a carboxylate or phenolate beside the ammonium ion of its own molecule, becomes the neutral acid).

    Atom indices map back to the caller's molecule; the input is never modified. Permanent cations
    (quaternary ammonium, N-oxides, nitro groups) keep their charges.

    >>> view = free_base_view(Chem.MolFromSmiles("[Cl-].C[NH3+]"))
    >>> Chem.MolToSmiles(view.mol), view.original_index, view.protonated_n_neutralized
    ('CN.[Cl-]', (0, 1, 2), True)
    >>> view = free_base_view(Chem.AddHs(Chem.MolFromSmiles("NC")))
    >>> view.mol.GetNumAtoms(), view.original_index
    (2, (0, 1))
    >>> Chem.MolToSmiles(free_base_view(Chem.MolFromSmiles("[NH3+]CC(=O)[O-]")).mol)  # glycine's zwitterion
    'NCC(=O)O'
    """
    has_h_atoms = mol.GetNumAtoms() != mol.GetNumHeavyAtoms()
    protonated = _protonated_nitrogens(mol)
    if not has_h_atoms and not protonated:
        return FreeBaseView(Chem.Mol(mol), tuple(range(mol.GetNumAtoms())), False)
    work = Chem.RWMol(mol)
    for atom in work.GetAtoms():
        atom.SetIntProp(_ORIGINAL_INDEX, atom.GetIdx())
    with quiet_rdkit():
        if has_h_atoms:
            work = Chem.RWMol(Chem.RemoveHs(work, sanitize=False))
        anions = _inner_salt_anions(mol, protonated) if protonated else set()
        for atom in work.GetAtoms():
            if atom.GetIntProp(_ORIGINAL_INDEX) in protonated:
                atom.SetFormalCharge(0)
                if atom.GetNumExplicitHs() > 0:
                    atom.SetNumExplicitHs(atom.GetNumExplicitHs() - 1)
            elif atom.GetIntProp(_ORIGINAL_INDEX) in anions:
                atom.SetFormalCharge(0)
                atom.SetNumExplicitHs(atom.GetTotalNumHs() + 1)
                atom.SetNoImplicit(True)
        try:
            Chem.SanitizeMol(work)
        except Exception as exc:  # RDKit raises several unrelated exception classes here
            raise MoleculeParseError(f"free-base view: {str(exc).strip().splitlines()[0]}") from None
    original = tuple(atom.GetIntProp(_ORIGINAL_INDEX) for atom in work.GetAtoms())
    # a protonated hydroxypyridine (the cation of a pyridone salt) is, once neutral, the pyridone: read it so
    view = azine_lactam_form(work.GetMol()) if protonated else work.GetMol()
    return FreeBaseView(view, original, bool(protonated))
