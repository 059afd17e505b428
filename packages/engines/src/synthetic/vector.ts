/**
 * Small 3D vector and rigid-body helpers for the synthetic structures. Vectors are plain
 * `[x, y, z]` tuples; rotations are row-major 3×3 matrices.
 */
export type Vec3 = [number, number, number];
export type Matrix3 = [number, number, number, number, number, number, number, number, number];

export const DEG = Math.PI / 180;

export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
export const length = (a: Vec3): number => Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
export const normalize = (a: Vec3): Vec3 => scale(a, 1 / (length(a) || 1));

export function distance(a: Vec3, b: Vec3): number {
  const dx = a[0] - b[0];
  const dy = a[1] - b[1];
  const dz = a[2] - b[2];
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

export function centroid(points: readonly Vec3[]): Vec3 {
  const sum: Vec3 = [0, 0, 0];
  for (const p of points) {
    sum[0] += p[0];
    sum[1] += p[1];
    sum[2] += p[2];
  }
  return scale(sum, 1 / Math.max(points.length, 1));
}

/** Dihedral angle a–b–c–d in degrees, (−180, 180]. */
export function dihedral(a: Vec3, b: Vec3, c: Vec3, d: Vec3): number {
  const b1 = sub(b, a);
  const b2 = sub(c, b);
  const b3 = sub(d, c);
  const n1 = cross(b1, b2);
  const n2 = cross(b2, b3);
  return Math.atan2(dot(cross(n1, n2), normalize(b2)), dot(n1, n2)) / DEG;
}

/**
 * Natural extension reference frame (Parsons et al. 2005): the atom d with |cd| = bond,
 * angle b–c–d = angle and dihedral a–b–c–d = torsion (degrees).
 */
export function placeAtom(a: Vec3, b: Vec3, c: Vec3, bond: number, angle: number, torsion: number): Vec3 {
  // Written out in scalars: this runs for every atom of every trial conformation.
  let bcx = c[0] - b[0];
  let bcy = c[1] - b[1];
  let bcz = c[2] - b[2];
  const bcLength = Math.sqrt(bcx * bcx + bcy * bcy + bcz * bcz) || 1;
  bcx /= bcLength;
  bcy /= bcLength;
  bcz /= bcLength;
  const abx = b[0] - a[0];
  const aby = b[1] - a[1];
  const abz = b[2] - a[2];
  let nx = aby * bcz - abz * bcy;
  let ny = abz * bcx - abx * bcz;
  let nz = abx * bcy - aby * bcx;
  const nLength = Math.sqrt(nx * nx + ny * ny + nz * nz) || 1;
  nx /= nLength;
  ny /= nLength;
  nz /= nLength;
  const mx = ny * bcz - nz * bcy;
  const my = nz * bcx - nx * bcz;
  const mz = nx * bcy - ny * bcx;
  const sinAngle = Math.sin(angle * DEG);
  const x = -bond * Math.cos(angle * DEG);
  const y = bond * sinAngle * Math.cos(torsion * DEG);
  const z = bond * sinAngle * Math.sin(torsion * DEG);
  return [c[0] + bcx * x + mx * y + nx * z, c[1] + bcy * x + my * y + ny * z, c[2] + bcz * x + mz * y + nz * z];
}

export function rotate(m: Matrix3, v: Vec3): Vec3 {
  return [m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2], m[6] * v[0] + m[7] * v[1] + m[8] * v[2]];
}

export function multiply(a: Matrix3, b: Matrix3): Matrix3 {
  const out = new Array<number>(9) as Matrix3;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) out[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  }
  return out;
}

/** Rotation by `angle` degrees about the unit vector `axis` (Rodrigues). */
export function axisRotation(axis: Vec3, angle: number): Matrix3 {
  const [x, y, z] = normalize(axis);
  const c = Math.cos(angle * DEG);
  const s = Math.sin(angle * DEG);
  const t = 1 - c;
  return [t * x * x + c, t * x * y - s * z, t * x * z + s * y, t * x * y + s * z, t * y * y + c, t * y * z - s * x, t * x * z - s * y, t * y * z + s * x, t * z * z + c];
}

/** A uniformly distributed random rotation (Shoemake's quaternion method) from three uniforms in [0, 1). */
export function randomRotation(u1: number, u2: number, u3: number): Matrix3 {
  const a = Math.sqrt(1 - u1);
  const b = Math.sqrt(u1);
  const [qx, qy, qz, qw] = [a * Math.sin(2 * Math.PI * u2), a * Math.cos(2 * Math.PI * u2), b * Math.sin(2 * Math.PI * u3), b * Math.cos(2 * Math.PI * u3)];
  return [
    1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qz * qw), 2 * (qx * qz + qy * qw),
    2 * (qx * qy + qz * qw), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - qx * qw),
    2 * (qx * qz - qy * qw), 2 * (qy * qz + qx * qw), 1 - 2 * (qx * qx + qy * qy),
  ];
}

/** The rotation taking unit vector `from` onto unit vector `to`. */
export function rotationBetween(from: Vec3, to: Vec3): Matrix3 {
  const f = normalize(from);
  const t = normalize(to);
  const axis = cross(f, t);
  const sin = length(axis);
  const cos = dot(f, t);
  if (sin < 1e-9) {
    if (cos > 0) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
    // Opposite: half a turn about any axis perpendicular to `from`.
    const helper: Vec3 = Math.abs(f[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
    return axisRotation(cross(f, helper), 180);
  }
  return axisRotation(axis, Math.atan2(sin, cos) / DEG);
}

/**
 * An orthonormal frame from three points: origin at `origin`, x towards `xPoint`, y in the plane
 * of the three points. Returned as the rotation whose rows are the frame's axes, so
 * `rotate(frame, p − origin)` gives local coordinates.
 */
export function frameOf(origin: Vec3, xPoint: Vec3, planePoint: Vec3): Matrix3 {
  const x = normalize(sub(xPoint, origin));
  const z = normalize(cross(x, sub(planePoint, origin)));
  const y = cross(z, x);
  return [x[0], x[1], x[2], y[0], y[1], y[2], z[0], z[1], z[2]];
}

export function transpose(m: Matrix3): Matrix3 {
  return [m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]];
}

/**
 * The rigid transform that superposes three reference points onto three target points (exactly
 * for the first, along the first→second direction, and in their plane): used to carry an ideal
 * fragment (a CCD residue, a base) onto atoms that are already placed.
 */
export function superposeOnThree(reference: [Vec3, Vec3, Vec3], target: [Vec3, Vec3, Vec3]): (p: Vec3) => Vec3 {
  return rigidTransform(reference, target).forward;
}

/** superposeOnThree, with its inverse (target space back to reference space). */
export function rigidTransform(reference: [Vec3, Vec3, Vec3], target: [Vec3, Vec3, Vec3]): { forward: (p: Vec3) => Vec3; inverse: (p: Vec3) => Vec3 } {
  const rotation = multiply(transpose(frameOf(...target)), frameOf(...reference));
  const back = transpose(rotation);
  return {
    forward: (p) => add(rotate(rotation, sub(p, reference[0])), target[0]),
    inverse: (p) => add(rotate(back, sub(p, target[0])), reference[0]),
  };
}
