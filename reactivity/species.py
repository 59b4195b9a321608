"""One chemical species as a chemist looks for it by mass spectrometry.

Every capability that names a compound a user may want to find in an LC-MS trace
(synthesis side products, degradants, N-nitroso products) describes it here, so
that masses and formulas are computed one way only.

Rules (all documented in ``docs/chemistry.md``):

- ``formula`` and ``monoisotopic_mass`` describe the species written in ``smiles``.
- ``mz_mh`` is the [M+H]+ of that same species. For a salt (several fragments) the
  species is the largest organic fragment (the free base the spectrometer sees): then
  ``smiles``/``formula``/``monoisotopic_mass`` describe that fragment too and
  ``salt_smiles`` keeps the whole salt.
- A charged species is described in its neutral form, as LC-MS sees the compound whatever
  salt it was drawn as (:func:`neutral_form`: a protonated amine gives up its proton, an
  acid anion takes one up). A permanent cation (a quaternary ammonium) keeps its charge:
  its ``mz_mh`` is its own m/z ([M]+), not [M+H]+.
- A polymer repeat unit (attachment points written as ``*``) has a formula without the
  attachment points and no [M+H]+ (no single mass).
- ``smiles`` draws the hydrogens that move between nitrogens (amidines, guanidines, azole N-H)
  one fixed way (:func:`species_smiles`, :mod:`reactivity.tautomers`), so two drawings of one
  compound give one SMILES, as they give one InChIKey.

>>> s = describe_species(Chem.MolFromSmiles("O=C1CNCCCN1"))
>>> s.formula, round(s.monoisotopic_mass, 4), round(s.mz_mh, 4)
('C5H10N2O', 114.0793, 115.0866)
>>> salt = describe_species(Chem.MolFromSmiles("O=C1CNCCCN1.Br"))
>>> salt.formula, salt.smiles, salt.salt_smiles
('C5H10N2O', 'O=C1CNCCCN1', 'Br.O=C1CNCCCN1')
>>> describe_species(Chem.MolFromSmiles("*CC(*)C(=O)OC")).formula
'C4H6O2'
>>> hydrochloride = describe_species(Chem.MolFromSmiles("O=C1C[NH2+]CCCN1.[Cl-]"))
>>> hydrochloride.smiles, round(hydrochloride.mz_mh, 4)
('O=C1CNCCCN1', 115.0866)
>>> quaternary = describe_species(Chem.MolFromSmiles("C[N+]1(C)CCCNC(=O)C1"))
>>> quaternary.formula, round(quaternary.mz_mh, 4)
('C7H15N2O+', 143.1179)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdkit import Chem, rdBase
from rdkit.Chem import rdMolDescriptors

from .tautomers import one_hydrogen_drawing

PROTON_MASS = 1.007276466621
"""Mass of a proton (CODATA 2018), added to M for [M+H]+."""


def rounded_mass(value: float | None) -> float | None:
    """A mass or m/z as every output writes it: 5 decimals (0.01 mDa), so that a sum taken in another atom order,
    which can differ in its last bits, prints the same.

    >>> rounded_mass(391.133158246621), rounded_mass(391.13315824662106), rounded_mass(None)
    (391.13316, 391.13316, None)
    """
    return None if value is None else round(value, 5)


@dataclass(frozen=True, slots=True)
class Species:
    """SMILES, InChIKey, formula, monoisotopic mass and [M+H]+ of one species."""

    smiles: str
    inchikey: str | None
    formula: str
    monoisotopic_mass: float
    mz_mh: float | None
    salt_smiles: str = ""
    is_repeat_unit: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (masses rounded to 5 decimals)."""
        out: dict[str, Any] = {
            "smiles": self.smiles,
            "inchikey": self.inchikey,
            "formula": self.formula,
            "monoisotopic_mass": rounded_mass(self.monoisotopic_mass),
            "mz_mh": rounded_mass(self.mz_mh),
        }
        if self.salt_smiles:
            out["salt_smiles"] = self.salt_smiles
        if self.is_repeat_unit:
            out["is_repeat_unit"] = True
        return out


_ATTACHMENT_POINT = Chem.MolFromSmarts("[#0]")  # an atom of atomic number 0 (``*``)
# a charge that a proton can take away or bring: a cation with H, an anion not held by a neighbouring cation (nitro,
# N-oxide and quaternary ammonium groups do not match)
_NEUTRALIZABLE = Chem.MolFromSmarts("[$([+;!H0]),$([-;!$(*~[+])])]")
_CHARGED_ATOM = Chem.MolFromSmarts("[!+0]")  # a plain search first: most species carry no charge at all


def has_charge(mol: Chem.Mol) -> bool:
    """Whether any atom carries a formal charge (one substructure search: faster than walking the atoms from Python).

    >>> has_charge(Chem.MolFromSmiles("NCC(=O)O")), has_charge(Chem.MolFromSmiles("[NH3+]CC(=O)[O-]"))
    (False, True)
    """
    return mol.HasSubstructMatch(_CHARGED_ATOM)


def neutral_form(mol: Chem.Mol) -> Chem.Mol:
    """``mol`` itself when no charge can be neutralized; otherwise its neutral form (RDKit's ``Uncharger``: a protonated
    amine gives up its proton, an acid anion takes one up). Charge-separated groups such as nitro or N-oxide stay as
    drawn, and a permanent cation keeps its charge.

    >>> Chem.MolToSmiles(neutral_form(Chem.MolFromSmiles("[NH3+]CC(=O)[O-]")))
    'NCC(=O)O'
    """
    if not has_charge(mol) or not mol.HasSubstructMatch(_NEUTRALIZABLE):
        return mol  # searches: faster than walking the atoms from Python
    from rdkit.Chem.MolStandardize import rdMolStandardize

    return rdMolStandardize.Uncharger().uncharge(mol)


def _without_attachment_points(mol: Chem.Mol) -> Chem.Mol:
    editable = Chem.RWMol(mol)
    for atom in sorted((a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 0), reverse=True):
        for neighbour in editable.GetAtomWithIdx(atom).GetNeighbors():
            neighbour.SetNumExplicitHs(neighbour.GetTotalNumHs())  # keep H counts as drawn: no H replaces a bond
            neighbour.SetNoImplicit(True)
        editable.RemoveAtom(atom)
    out = editable.GetMol()
    out.UpdatePropertyCache(strict=False)
    return out


def species_smiles(mol: Chem.Mol) -> str:
    """Canonical SMILES of a sanitized molecule with its amidines, guanidines and prototropic azoles drawn one way
    (:func:`reactivity.tautomers.one_hydrogen_drawing`): the same text for every drawing of one compound.

    >>> species_smiles(Chem.MolFromSmiles("Cc1cnc[nH]1")), species_smiles(Chem.MolFromSmiles("Cc1c[nH]cn1"))
    ('Cc1c[nH]cn1', 'Cc1c[nH]cn1')
    """
    return Chem.MolToSmiles(one_hydrogen_drawing(mol))


def describe_species(mol: Chem.Mol, *, with_inchikey: bool = True) -> Species:
    """Describe a sanitized molecule (see the module docstring for the rules).

    ``with_inchikey=False`` leaves ``inchikey`` None (computing it costs more than everything else here); for
    callers that compute it later, and only when it is used.
    """
    return _describe(mol, with_inchikey, None)


def _describe(mol: Chem.Mol, with_inchikey: bool, smiles: str | None, one_fragment: bool = False) -> Species:
    """:func:`describe_species`; ``smiles``: :func:`species_smiles` of ``mol`` when the caller already has it (used
    only for a one-fragment molecule, so the result is the same as without it); ``one_fragment``: the caller knows the
    molecule is one connected fragment (not a salt), so it is not looked for."""
    with rdBase.BlockLogs():  # RDKit's log silenced (nothing of it is reported here)
        mol, smiles, salt_smiles = described_form(mol, smiles, one_fragment)
        masses = species_masses(mol)
        return Species(
            smiles=species_smiles(mol) if smiles is None else smiles,
            inchikey=(Chem.MolToInchiKey(mol) or None) if with_inchikey and not masses.is_repeat_unit else None,
            formula=masses.formula,
            monoisotopic_mass=masses.monoisotopic_mass,
            mz_mh=masses.mz_mh,
            salt_smiles=salt_smiles,
            is_repeat_unit=masses.is_repeat_unit,
        )


def described_form(mol: Chem.Mol, smiles: str | None = None, one_fragment: bool = False
                   ) -> tuple[Chem.Mol, str | None, str]:
    """The species a molecule is described as, ``(species, its SMILES or None, the salt's SMILES or "")``: the
    largest fragment of a salt, in its neutral form (:func:`neutral_form`). ``smiles``: the molecule's
    :func:`species_smiles` when the caller already has it (kept when the species is the molecule itself);
    ``one_fragment``: the caller knows the molecule is one connected fragment, so it is not split.

    >>> species, smiles, salt = described_form(Chem.MolFromSmiles("[Cl-].O=C1C[NH2+]CCCN1"))
    >>> Chem.MolToSmiles(species), smiles, salt
    ('O=C1CNCCCN1', None, 'O=C1C[NH2+]CCCN1.[Cl-]')
    """
    salt_smiles = ""
    if not one_fragment and len(Chem.GetMolFrags(mol)) > 1:
        fragments = Chem.GetMolFrags(mol, asMols=True, sanitizeFrags=False)
        salt_smiles = Chem.MolToSmiles(mol)
        mol = max(fragments, key=lambda f: (f.GetNumHeavyAtoms(), species_smiles(f)))
        smiles = None
    neutral = neutral_form(mol)
    if neutral is not mol:
        mol, smiles = neutral, None
    return mol, smiles, salt_smiles


@dataclass(frozen=True, slots=True)
class SpeciesMasses:
    """Formula, monoisotopic mass and the m/z an LC-MS chemist looks for, of one species as drawn (the rules of the
    module docstring: [M+H]+ of a neutral species, m/z of a permanent cation, none for an anion or a repeat unit)."""

    formula: str
    monoisotopic_mass: float
    mz_mh: float | None
    is_repeat_unit: bool = False


def species_masses(mol: Chem.Mol) -> SpeciesMasses:
    """:class:`SpeciesMasses` of one species already in its described form (:func:`described_form`).

    >>> m = species_masses(Chem.MolFromSmiles("NCC(=O)O"))   # glycine
    >>> m.formula, round(m.mz_mh, 4)
    ('C2H5NO2', 76.0393)
    """
    # every atom heavy (atomic number > 1): no attachment point, without a substructure search
    if mol.GetNumAtoms() != mol.GetNumHeavyAtoms() and mol.HasSubstructMatch(_ATTACHMENT_POINT):
        core = _without_attachment_points(mol)
        return SpeciesMasses(rdMolDescriptors.CalcMolFormula(core), rdMolDescriptors.CalcExactMolWt(core), None, True)
    mass = rdMolDescriptors.CalcExactMolWt(mol)  # of the ion, for a charged species (electrons counted)
    charge = Chem.GetFormalCharge(mol)
    # neutral: [M+H]+; a permanent cation: its own m/z; an anion that cannot be neutralized: no [M+H]+
    return SpeciesMasses(rdMolDescriptors.CalcMolFormula(mol), mass,
                         mass + PROTON_MASS if charge == 0 else mass / charge if charge > 0 else None)


def describe_smiles(smiles: str) -> Species:
    """:func:`describe_species` of a SMILES (raises MoleculeParseError when it does not parse).

    >>> round(describe_smiles("NCC(=O)O").mz_mh, 4)   # glycine
    76.0393
    """
    from .molecule import mol_from_smiles

    return describe_species(mol_from_smiles(smiles))
