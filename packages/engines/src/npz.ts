import { crc32 } from 'node:zlib';

/**
 * NumPy `.npz` files (what Boltz writes for PAE/PDE/pLDDT, spec/ENGINE.md §4): a ZIP archive of
 * `.npy` arrays, stored uncompressed exactly like `numpy.savez`. Entries carry a fixed DOS date
 * so identical arrays give identical bytes.
 */
export interface Float32Array2D {
  rows: number;
  cols: number;
  /** Row-major values. */
  values: Float32Array;
}

/** `.npy` version 1.0: magic, header dict padded so the data starts at a multiple of 64. */
export function npyFloat32(array: Float32Array2D): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${array.rows}, ${array.cols}), }`;
  const preamble = 10;
  const padded = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  const header = dict + ' '.repeat(padded - preamble - dict.length - 1) + '\n';
  const head = Buffer.alloc(preamble);
  head.write('\x93NUMPY', 0, 'latin1');
  head.writeUInt8(1, 6);
  head.writeUInt8(0, 7);
  head.writeUInt16LE(header.length, 8);
  const data = Buffer.from(array.values.buffer, array.values.byteOffset, array.values.byteLength);
  // Float32Array is little-endian on every platform Node supports.
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}

// 1980-01-01 00:00, the earliest DOS date: a fixed timestamp for reproducible archives.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** A ZIP of stored (uncompressed) entries, one per array name: `<name>.npy`. */
export function npz(arrays: Record<string, Float32Array2D>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, array] of Object.entries(arrays)) {
    const fileName = Buffer.from(`${name}.npy`, 'utf8');
    const data = npyFloat32(array);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(0, 8); // method: stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const centralSize = centrals.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
