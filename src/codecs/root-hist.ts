/**
 * A ROOT histogram object as its streamers hold it (TH1/TH2/TH3/TProfile/TProfile2D), between the
 * ROOT file reader/writer (`root-file-*.ts`, `root-hist-*.ts`) and the mapping to the UHI raw
 * document (`root-mapping.ts`). Field names follow ROOT's data members, without the `f` prefix
 * where noted. No IO here.
 * @module
 */

/** The histogram classes the codec reads (TH1K and TProfile3D are out of scope). */
export type RootHistClass =
  | 'TH1C' | 'TH1S' | 'TH1I' | 'TH1L' | 'TH1F' | 'TH1D'
  | 'TH2C' | 'TH2S' | 'TH2I' | 'TH2L' | 'TH2F' | 'TH2D'
  | 'TH3C' | 'TH3S' | 'TH3I' | 'TH3L' | 'TH3F' | 'TH3D'
  | 'TProfile' | 'TProfile2D';

/** Element type of `fArray` by the class suffix: C int8, S int16, I int32, L int64 (ROOT ≥ 6.32), F float32, D float64 (profiles: D). */
export type RootCellArray = Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

/** One TAxis (fXaxis, fYaxis, fZaxis). */
export interface RootAxis {
  /** fName: `xaxis`, `yaxis`, `zaxis`. */
  name: string;
  /** fTitle. */
  title: string;
  /** fNbins (bins without flow). */
  nbins: number;
  /** fXmin, fXmax. */
  xmin: number;
  xmax: number;
  /** fXbins when the axis has variable bins (length nbins + 1), else null (uniform bins from xmin to xmax). */
  xbins: Float64Array | null;
  /** Bin labels (fLabels, placed by each TObjString's fUniqueID = bin number): index i is bin i+1, null where unset; null when the axis has no labels. */
  labels: (string | null)[] | null;
  /**
   * Every other TAxis member read from the file, by ROOT name (fFirst, fLast, fBits2, fTimeDisplay,
   * fTimeFormat, TAttAxis: fNdivisions, fAxisColor, fLabelColor, fLabelFont, fLabelOffset,
   * fLabelSize, fTickLength, fTitleOffset, fTitleSize, fTitleColor, fTitleFont), so a round trip
   * can restore them. Writers use ROOT's defaults for members missing here.
   */
  attributes: Record<string, number | string | boolean>;
}

/** The TH1 statistics members (fTsumw…), by ROOT name; members of TH2/TH3/profiles included when present. */
export interface RootStats {
  fEntries: number;
  fTsumw: number;
  fTsumw2: number;
  fTsumwx: number;
  fTsumwx2: number;
  /** TH2/TH3/TProfile2D: fTsumwy, fTsumwy2, fTsumwxy; TH3: fTsumwz, fTsumwz2, fTsumwxz, fTsumwyz; TProfile: fTsumwy, fTsumwy2; TProfile2D: fTsumwz, fTsumwz2. */
  [member: string]: number;
}

/** TProfile/TProfile2D-only members. `cells` holds fArray = Σ w·y (TProfile2D: Σ w·z) and `sumw2` fSumw2 = Σ w·y². */
export interface RootProfileData {
  /** fBinEntries = Σ w per cell (incl. flow). */
  binEntries: Float64Array;
  /** fBinSumw2 = Σ w² per cell, or null when the profile was not filled with weights (empty array in the file). */
  binSumw2: Float64Array | null;
  /** fErrorMode: 0 mean error ("" default), 1 spread ("s"), 2 "i", 3 "g". */
  errorMode: number;
  /** TProfile: fYmin, fYmax; TProfile2D: fZmin, fZmax. */
  min: number;
  max: number;
}

/** One histogram object. Cell arrays include both flow bins on every axis, x fastest: `cell = ix + (nx+2)*(iy + (ny+2)*iz)`. */
export interface RootHist {
  className: RootHistClass;
  /** Path of the key inside the file, directories joined by `/` (e.g. `dir/sub/h`); the object's fName is `name`. */
  path: string;
  /** Key cycle (`name;2`). */
  cycle: number;
  /** fName, fTitle. */
  name: string;
  title: string;
  /** 1 to 3 axes (x, y, z), as many as the class's dimension. */
  axes: RootAxis[];
  /** fArray (length fNcells = Π (nbins + 2)). */
  cells: RootCellArray;
  /** fSumw2 (length fNcells), or null when the histogram has no Sumw2 (empty array in the file). */
  sumw2: Float64Array | null;
  /** Only for TProfile/TProfile2D. */
  profile: RootProfileData | null;
  stats: RootStats;
  /** fOption. */
  option: string;
  /**
   * Every other TH1 member read, by ROOT name, so a round trip can restore them: fMaximum, fMinimum,
   * fNormFactor, fBarOffset, fBarWidth, fBinStatErrOpt, fStatOverflows, TAttLine/TAttFill/TAttMarker
   * members (fLineColor…), fContour as number[] when non-empty. Writers use ROOT's defaults for
   * members missing here.
   */
  attributes: Record<string, number | string | boolean | number[]>;
}
