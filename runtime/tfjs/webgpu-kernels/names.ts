/**
 * The names under which maec registers its WebGPU kernels into tfjs (backend 'webgpu'). Kept
 * apart from the kernels so that the ops (runtime/tfjs/ops) can name them without importing
 * anything of tfjs-backend-webgpu.
 */
export const webgpuKernelNames = Object.freeze({
  gelu: 'MaecWgpuGelu',
  geluGrad: 'MaecWgpuGeluGrad',
  biasGelu: 'MaecWgpuBiasGelu',
  biasGeluGrad: 'MaecWgpuBiasGeluGrad',
  layerNorm: 'MaecWgpuLayerNorm',
  layerNormStats: 'MaecWgpuLayerNormStats',
  layerNormDx: 'MaecWgpuLayerNormDx',
  layerNormDgamma: 'MaecWgpuLayerNormDgamma',
  columnSum: 'MaecWgpuColumnSum',
  attention: 'MaecWgpuAttention',
  attentionStats: 'MaecWgpuAttentionStats',
  attentionGrad: 'MaecWgpuAttentionGrad',
  gather: 'MaecWgpuGather',
  scatter: 'MaecWgpuScatter',
  adamwMoment: 'MaecWgpuAdamWMoment',
  adamwParam: 'MaecWgpuAdamWParam',
});
