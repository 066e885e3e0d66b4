// `lalib.linalg`: the numerics a static page needs to stand in for the
// kernel, mirroring lalib.linalg: one-sided Jacobi SVD, rank with a relative
// tolerance, rref, and canonical (reduced echelon) bases of the column and
// null spaces. tests/test_widgets_contract.py checks they agree with Python.

// One-sided Jacobi (Hestenes) SVD of a small m×n matrix given as rows.
// Returns singular values (descending), the matching columns of V, and A·v.
function svdJacobi(A) {
  const m = A.length, n = A[0].length;
  const W = A.map((row) => row.slice()); // its columns become A·v_j
  const V = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const rotate = (M, p, q, c, sn) => {
    for (const row of M) {
      const x = row[p], y = row[q];
      row[p] = c * x - sn * y;
      row[q] = sn * x + c * y;
    }
  };
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += W[i][p] * W[i][p];
          beta += W[i][q] * W[i][q];
          gamma += W[i][p] * W[i][q];
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        rotate(W, p, q, c, c * t);
        rotate(V, p, q, c, c * t);
      }
    }
    if (!rotated) break;
  }
  const cols = Array.from({ length: n }, (_, j) => {
    const w = W.map((row) => row[j]);
    return { sigma: Math.hypot(...w), w, v: V.map((row) => row[j]) };
  });
  cols.sort((a, b) => b.sigma - a.sigma);
  return cols;
}

// Reduced row echelon form with partial pivoting; entries <= tol·max|M| are zero.
function rref(M, tol = 1e-10) {
  const R = M.map((row) => row.slice());
  const m = R.length, n = m ? R[0].length : 0;
  const cutoff = tol * Math.max(...R.flat().map(Math.abs), Number.MIN_VALUE);
  const pivots = [];
  let row = 0;
  for (let col = 0; col < n && row < m; col++) {
    let best = row;
    for (let i = row + 1; i < m; i++) if (Math.abs(R[i][col]) > Math.abs(R[best][col])) best = i;
    if (Math.abs(R[best][col]) <= cutoff) {
      for (let i = row; i < m; i++) R[i][col] = 0;
      continue;
    }
    [R[row], R[best]] = [R[best], R[row]];
    const p = R[row][col];
    R[row] = R[row].map((x) => x / p);
    for (let i = 0; i < m; i++) {
      if (i === row) continue;
      const f = R[i][col];
      R[i] = R[i].map((x, j) => x - f * R[row][j]);
    }
    pivots.push(col);
    row++;
  }
  return { R: R.map((r) => r.map((x) => (Math.abs(x) <= cutoff ? 0 : x))), pivots };
}

// The unique reduced-echelon basis of the span of some vectors (a list of vectors).
function canonicalBasis(vectors, tol = 1e-10) {
  if (!vectors.length) return [];
  const { R, pivots } = rref(vectors, tol);
  return R.slice(0, pivots.length);
}

// Rank, nullity and canonical bases of C(A) and N(A); singular values at or
// below tolRel·σ_max count as zero (lalib.widgets.rank_explorer.describe).
function describeMatrix(A, tolRel) {
  const n = A[0].length;
  // Scale first, as LAPACK does: squares of 1e160 overflow and of 1e-170
  // underflow, which would make parallel columns look independent.
  const top = Math.max(...A.flat().map(Math.abs));
  const cols = svdJacobi(top > 0 && Number.isFinite(top) ? A.map((row) => row.map((x) => x / top)) : A);
  const tol = tolRel * cols[0].sigma;
  const kept = cols.filter((c) => c.sigma > tol);
  const dropped = cols.filter((c) => !(c.sigma > tol));
  return {
    rank: kept.length,
    nullity: n - kept.length,
    col_basis: canonicalBasis(kept.map((c) => c.w.map((x) => x / c.sigma))),
    null_basis: canonicalBasis(dropped.map((c) => c.v)),
  };
}

// The unit vector along v (v itself when it is zero).
function normalize(v) {
  const n = Math.hypot(...v);
  return n > 0 ? v.map((x) => x / n) : v.slice();
}

lalib.linalg = { svdJacobi, rref, canonicalBasis, describeMatrix, normalize };
