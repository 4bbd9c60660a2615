/**
 * The int16 LOGISTIC and TANH reference kernels of TFLite (`reference_integer_ops::Logistic` /
 * `Tanh` for int16, also TFLite Micro's and CMSIS-NN's scalar path): linear interpolation in a
 * 256-entry table of sigmoid(i / 24) in Q0.16, using tanh(x) = 2 * sigmoid(2x) - 1 for TANH.
 *
 * The table is TFLite's `sigmoid_table_uint16` (common.h). Its entries are not simply
 * round(65536 * sigmoid(i / 24)) (about a sixth of them are one higher, and the last is 65535), so
 * the values are data, needed as they are for bit-exact results.
 */
import { wrapInt16 } from './rounding.js';

/** TFLite's `sigmoid_table_uint16`: sigmoid(i / 24) in Q0.16 for i = 0..255 (monotonic). */
export const SIGMOID_TABLE_UINT16: Uint16Array = Uint16Array.from([
  32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064,
  42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464,
  50942, 51409, 51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503,
  56823, 57133, 57433, 57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
  60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666,
  62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968,
  64030, 64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687,
  64721, 64754, 64786, 64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
  65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258, 65269, 65280, 65291,
  65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367, 65374, 65381, 65387, 65393, 65399, 65404,
  65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465,
  65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
  65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516,
  65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524, 65525, 65525,
  65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530,
  65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
  65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
  65535,
]);

/**
 * Returns one output of TFLite's int16 LOGISTIC reference kernel for input x, with the kernel's
 * prepared `inputMultiplier` / `inputLeftShift` (multiplier 0 means the power-of-two case, where
 * the multiplier is 3 << leftShift). The input is scaled so that 2^9 steps of the table span
 * 1/24; the result is Q0.15. Never throws.
 */
export function logisticInt16Reference(x: number, inputMultiplier: number, inputLeftShift: number): number {
  if (inputMultiplier === 0) {
    inputMultiplier = 3 << inputLeftShift;
    inputLeftShift = 0;
  }
  const round = inputLeftShift > 0 ? 1 << (inputLeftShift - 1) : 0;
  const inputData = (Math.imul(x, inputMultiplier) + round) >> inputLeftShift;
  const absInput = inputData < 0 ? -inputData : inputData;
  const uh = absInput >>> 9;
  let result: number;
  if (uh >= 255) {
    result = 0x7fff << 10; // saturate
  } else {
    const ua = SIGMOID_TABLE_UINT16[uh]!;
    const ub = SIGMOID_TABLE_UINT16[uh + 1]!;
    result = ua * 512 + (absInput & 0x1ff) * (ub - ua);
  }
  // Round, and mirror negative inputs: sigmoid(-x) = 1 - sigmoid(x).
  result = inputData >= 0 ? result + 512 : (1 << 25) - result + 511;
  return wrapInt16(result >>> 10);
}

/**
 * Returns one output of TFLite's int16 TANH reference kernel for input x, with the kernel's
 * prepared `inputMultiplier` / `inputLeftShift` (multiplier 0: power-of-two case, 3 << leftShift).
 * Uses tanh(x) = 2 * sigmoid(2x) - 1 on the same table with 2^8 steps per entry; Q0.15 result.
 * Never throws.
 */
export function tanhInt16Reference(x: number, inputMultiplier: number, inputLeftShift: number): number {
  if (inputMultiplier === 0) {
    inputMultiplier = 3 << inputLeftShift;
    inputLeftShift = 0;
  }
  const round = inputLeftShift > 0 ? 1 << (inputLeftShift - 1) : 0;
  const inputData = (Math.imul(x, inputMultiplier) + round) >> inputLeftShift;
  const absInput = inputData < 0 ? -inputData : inputData;
  const uh = absInput >>> 8;
  let result: number;
  if (uh >= 255) {
    result = 0xffff << 8; // saturate
  } else {
    const ua = SIGMOID_TABLE_UINT16[uh]!;
    const ub = SIGMOID_TABLE_UINT16[uh + 1]!;
    result = ua * 256 + (absInput & 0xff) * (ub - ua);
  }
  result = inputData >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
  return wrapInt16(result >> 8);
}
