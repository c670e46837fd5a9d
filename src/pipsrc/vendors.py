"""The vendor indexes of the catalogue (SPEC §7): hardware vendors' and projects' wheel
indexes that serve packages no PyPI mirror has (``kind = "vendor"``).

Fields as in :mod:`pipsrc.mirrors`; :mod:`pipsrc.catalogue` lists them after the mirrors. A
vendor index is an allowed exception (``known-exceptions = true``) and is never the target of
a fix, nor replaced by one (:mod:`pipsrc.origin`). Each family's ``patterns`` come from how
real repositories write its URLs.
"""

from typing import Any

VENDORS: list[dict[str, Any]] = [
    {
        "id": "pytorch",
        "proxy_name": "torch",  # root/torch-cu118 on a devpi proxy, as its users name it
        "name_en": "PyTorch",
        "name_zh": "PyTorch 官方源",
        "url": "https://download.pytorch.org/whl/cpu",
        "https": True,
        "kind": "vendor",
        "reason_en": "CUDA builds of PyTorch are only published there",
        "reason_zh": "CUDA 版本的 PyTorch 只在该源发布",
        "patterns": [
            # the root index (every variant), stable /whl/<variant> (also ${CUDA}),
            # nightly/test, torch_stable.html find-links
            "https://download.pytorch.org/whl",
            "https://download.pytorch.org/whl/*",
            # China mirrors of the same wheels (find-links pages, use -f)
            "https://mirrors.aliyun.com/pytorch-wheels/*",
            "https://mirror.sjtu.edu.cn/pytorch-wheels/*",
        ],
    },
    {
        "id": "nvidia",
        "name_en": "NVIDIA",
        "name_zh": "NVIDIA 官方源",
        "url": "https://pypi.nvidia.com",
        "legacy": [
            "https://pypi.ngc.nvidia.com",  # nvidia-pyindex; reported not to resolve any more
        ],
        "https": True,
        "kind": "vendor",
        "reason_en": "NVIDIA packages (RAPIDS/cuDF, TensorRT, DALI) are published there",
        "reason_zh": "NVIDIA 的包（RAPIDS/cuDF、TensorRT、DALI 等）在该源发布",
        "patterns": [
            "https://pypi.nvidia.com/*",
            "https://pypi.ngc.nvidia.com/*",
        ],
    },
    {
        "id": "paddlepaddle",
        "name_en": "PaddlePaddle",
        "name_zh": "飞桨 PaddlePaddle 官方源",
        "url": "https://www.paddlepaddle.org.cn/packages/stable/cpu/",
        "https": True,
        "kind": "vendor",
        "reason_en": "GPU builds of PaddlePaddle are published there",
        "reason_zh": "GPU 版本的飞桨只在该源发布",
        "patterns": [
            "https://www.paddlepaddle.org.cn/packages/*",
            "https://www.paddlepaddle.org.cn/whl/*",
        ],
    },
    {
        "id": "jax",
        "name_en": "JAX",
        "name_zh": "JAX 官方源",
        "url": "https://storage.googleapis.com/jax-releases/jax_cuda_releases.html",
        "https": True,
        "kind": "vendor",
        "reason_en": "CUDA and TPU builds of jaxlib (and libtpu) are published there",
        "reason_zh": "CUDA 与 TPU 版本的 jaxlib（及 libtpu）在该源发布",
        "patterns": [
            "https://storage.googleapis.com/jax-releases/*",
            "https://us-python.pkg.dev/ml-oss-artifacts-published/jax/*",
            # libtpu for jax and torch_xla on Cloud TPU (find-links pages)
            "https://storage.googleapis.com/libtpu-releases/*",
            "https://storage.googleapis.com/libtpu-wheels/*",
        ],
    },
    {
        "id": "intel",
        "name_en": "Intel Extension for PyTorch",
        "name_zh": "Intel PyTorch 扩展官方源",
        "url": "https://pytorch-extension.intel.com/release-whl/stable/cpu/us/",
        "https": True,
        "kind": "vendor",
        "reason_en": "Intel Extension for PyTorch (CPU/XPU) builds are only published there",
        "reason_zh": "Intel PyTorch 扩展（CPU/XPU）只在该源发布",
        "patterns": [
            "https://pytorch-extension.intel.com/release-whl/*",
        ],
    },
    {
        "id": "jetson",
        "name_en": "NVIDIA Jetson AI Lab",
        "name_zh": "NVIDIA Jetson AI Lab 源",
        "url": "https://pypi.jetson-ai-lab.io/jp6/cu126",
        "https": True,
        "kind": "vendor",
        "reason_en": "Jetson (aarch64 + CUDA) builds are published there",
        "reason_zh": "Jetson（aarch64 + CUDA）版本的包在该源发布",
        "patterns": [
            "https://pypi.jetson-ai-lab.io/*",
            "https://pypi.jetson-ai-lab.dev/*",
            # NVIDIA's JetPack wheels (TensorFlow, PyTorch for Jetson)
            "https://developer.download.nvidia.com/compute/redist/*",
        ],
    },
    {
        "id": "pyg",
        "name_en": "PyG",
        "name_zh": "PyG 官方源",
        "url": "https://data.pyg.org/whl/torch-2.4.0+cu121.html",
        "https": True,
        "kind": "vendor",
        "reason_en": "PyG extension wheels for each torch/CUDA pair are only published there",
        "reason_zh": "各 torch/CUDA 组合的 PyG 扩展包只在该源发布",
        "patterns": [
            "https://data.pyg.org/whl/*",
        ],
    },
    {
        "id": "dgl",
        "name_en": "DGL",
        "name_zh": "DGL 官方源",
        "url": "https://data.dgl.ai/wheels/cu121/repo.html",
        "https": True,
        "kind": "vendor",
        "reason_en": "CUDA builds of DGL are only published there",
        "reason_zh": "CUDA 版本的 DGL 只在该源发布",
        "patterns": [
            "https://data.dgl.ai/wheels/*",
        ],
    },
    {
        "id": "openmmlab",
        "name_en": "OpenMMLab",
        "name_zh": "OpenMMLab 官方源",
        "url": "https://download.openmmlab.com/mmcv/dist/cu121/torch2.1/index.html",
        "https": True,
        "kind": "vendor",
        "reason_en": "mmcv builds for each CUDA/torch pair are only published there",
        "reason_zh": "各 CUDA/torch 组合的 mmcv 只在该源发布",
        "patterns": [
            "https://download.openmmlab.com/mmcv/dist/*",
        ],
    },
    {
        "id": "flashinfer",
        "name_en": "FlashInfer",
        "name_zh": "FlashInfer 官方源",
        "url": "https://flashinfer.ai/whl/cu121/torch2.4/",
        "https": True,
        "kind": "vendor",
        "reason_en": "FlashInfer builds for each CUDA/torch pair are only published there",
        "reason_zh": "各 CUDA/torch 组合的 FlashInfer 只在该源发布",
        "patterns": [
            "https://flashinfer.ai/whl/*",
        ],
    },
    {
        "id": "rocm",
        "name_en": "AMD ROCm",
        "name_zh": "AMD ROCm 官方源",
        "url": "https://repo.radeon.com/rocm/manylinux/rocm-rel-6.2/",
        "https": True,
        "kind": "vendor",
        "reason_en": "ROCm builds of PyTorch, onnxruntime and TensorFlow are published there",
        "reason_zh": "ROCm 版本的 PyTorch、onnxruntime、TensorFlow 在该源发布",
        "patterns": [
            "https://repo.radeon.com/rocm/manylinux/*",
        ],
    },
    {
        "id": "habana",
        "name_en": "Intel Gaudi (Habana)",
        "name_zh": "Intel Gaudi (Habana) 官方源",
        "url": "https://vault.habana.ai/artifactory/api/pypi/gaudi-python/simple",
        "https": True,
        "kind": "vendor",
        "reason_en": "Gaudi (HPU) builds of PyTorch and TensorFlow are only published there",
        "reason_zh": "Gaudi（HPU）版本的 PyTorch、TensorFlow 只在该源发布",
        "patterns": [
            "https://vault.habana.ai/artifactory/api/pypi/*",
        ],
    },
    {
        "id": "ascend",
        "name_en": "Huawei Ascend",
        "name_zh": "华为昇腾官方源",
        "url": "https://repo.huaweicloud.com/ascend/repos/pypi",
        "https": True,
        "kind": "vendor",
        "reason_en": "torch_npu, triton-ascend and other Ascend NPU builds are published there",
        "reason_zh": "torch_npu、triton-ascend 等昇腾 NPU 版本在该源发布",
        "patterns": [
            "https://repo.huaweicloud.com/ascend/repos/pypi/*",
            "https://mirrors.huaweicloud.com/ascend/repos/pypi*",
            "https://triton-ascend.osinfra.cn/pypi/*",
        ],
    },
    {
        "id": "neuron",
        "name_en": "AWS Neuron",
        "name_zh": "AWS Neuron 官方源",
        "url": "https://pip.repos.neuron.amazonaws.com",
        "https": True,
        "kind": "vendor",
        "reason_en": "the Neuron SDK (torch-neuronx, neuronx-cc) is only published there",
        "reason_zh": "Neuron SDK（torch-neuronx、neuronx-cc）只在该源发布",
        "patterns": [
            "https://pip.repos.neuron.amazonaws.com/*",
        ],
    },
    {
        "id": "onnxruntime",
        "name_en": "ONNX Runtime (Azure feeds)",
        "name_zh": "ONNX Runtime（Azure 源）",
        "url": "https://aiinfra.pkgs.visualstudio.com/PublicPackages/_packaging/onnxruntime-cuda-12/pypi/simple/",
        "https": True,
        "kind": "vendor",
        "reason_en": "CUDA, DirectML and nightly builds of onnxruntime are published there",
        "reason_zh": "CUDA、DirectML 与 nightly 版本的 onnxruntime 在该源发布",
        "patterns": [
            "https://aiinfra.pkgs.visualstudio.com/PublicPackages/_packaging/*",
        ],
    },
    {
        "id": "vllm",
        "name_en": "vLLM",
        "name_zh": "vLLM 官方源",
        "url": "https://wheels.vllm.ai/nightly",
        "https": True,
        "kind": "vendor",
        "reason_en": "nightly and per-CUDA builds of vLLM are published there",
        "reason_zh": "vLLM 的 nightly 与各 CUDA 版本在该源发布",
        "patterns": [
            "https://wheels.vllm.ai/*",
        ],
    },
]
