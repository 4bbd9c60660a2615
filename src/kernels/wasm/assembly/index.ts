// The kernel module: SIMD jobs over the interpreter's memory (imported), dispatched by number.
// Every job has the signature (params, chunk, chunks): it reads its arguments from the parameter
// block at `params` and computes part `chunk` of `chunks` of its output, so the same call runs
// the whole op on one thread or one part on each thread of the pool (src/runtime/thread_pool.ts).

import { binary_job } from './binary';
import { f32_conv_job, q8_conv_job, q8_gemm_job } from './conv';
import { q8_dwconv_job } from './dwconv';
import { f32_dwconv_job } from './f32_dwconv';
import { f32_gemm_job } from './f32_gemm';
import { hybrid_quantize_job } from './hybrid';
import { global_pool_job } from './pool';
import { resize_bilinear_job } from './resize';
import { from_f32_job, lut8_job, to_f32_job } from './unary';

export { peak_f32, peak_q8 } from './peak';
export {
  pack_f32_dw,
  pack_f32_gemm,
  pack_q8_dw,
  pack_plan_requant,
  pack_q8_gemm,
  pack_requant_block,
  pack_requant_columns,
  pack_sums8,
} from './pack';

// Job numbers (read by the glue as exported globals, so they are defined only here).
export const JOB_F32_GEMM: i32 = 1;
export const JOB_F32_CONV: i32 = 2;
export const JOB_F32_DWCONV: i32 = 3;
export const JOB_Q8_GEMM: i32 = 4;
export const JOB_Q8_CONV: i32 = 5;
export const JOB_Q8_DWCONV: i32 = 6;
export const JOB_BINARY: i32 = 7;
export const JOB_LUT8: i32 = 8;
export const JOB_TO_F32: i32 = 9;
export const JOB_FROM_F32: i32 = 10;
export const JOB_RESIZE_BILINEAR: i32 = 11;
export const JOB_GLOBAL_POOL: i32 = 12;
export const JOB_HYBRID_QUANTIZE: i32 = 13;

/** Runs part `chunk` of `chunks` of job `job` on the parameter block at `params`. */
export function run_job(job: i32, params: usize, chunk: i32, chunks: i32): void {
  switch (job) {
    case JOB_F32_GEMM:
      f32_gemm_job(params, chunk, chunks);
      break;
    case JOB_F32_CONV:
      f32_conv_job(params, chunk, chunks);
      break;
    case JOB_F32_DWCONV:
      f32_dwconv_job(params, chunk, chunks);
      break;
    case JOB_Q8_GEMM:
      q8_gemm_job(params, chunk, chunks);
      break;
    case JOB_Q8_CONV:
      q8_conv_job(params, chunk, chunks);
      break;
    case JOB_Q8_DWCONV:
      q8_dwconv_job(params, chunk, chunks);
      break;
    case JOB_BINARY:
      binary_job(params, chunk, chunks);
      break;
    case JOB_LUT8:
      lut8_job(params, chunk, chunks);
      break;
    case JOB_TO_F32:
      to_f32_job(params, chunk, chunks);
      break;
    case JOB_FROM_F32:
      from_f32_job(params, chunk, chunks);
      break;
    case JOB_RESIZE_BILINEAR:
      resize_bilinear_job(params, chunk, chunks);
      break;
    case JOB_GLOBAL_POOL:
      global_pool_job(params, chunk, chunks);
      break;
    case JOB_HYBRID_QUANTIZE:
      hybrid_quantize_job(params, chunk, chunks);
      break;
    default:
      unreachable();
  }
}
