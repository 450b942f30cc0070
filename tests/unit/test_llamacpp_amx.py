"""On AMX CPUs the embedded model loads without llama.cpp's extra weight buffers (its AMX matmul can crash)."""

from __future__ import annotations

import llama_cpp.llama_cpp as low_level

from app.providers.llamacpp import without_extra_buffer_types, cpu_has_amx


def test_amx_is_read_from_the_cpu_flags(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("flags\t\t: fpu avx2 avx512f amx_bf16 amx_tile amx_int8\n")
    assert cpu_has_amx(cpuinfo)
    cpuinfo.write_text("flags\t\t: fpu avx2 avx512f\n")
    assert not cpu_has_amx(cpuinfo)
    assert not cpu_has_amx(tmp_path / "absent")


def test_extra_buffer_types_are_off_only_during_the_load():
    original = low_level.llama_model_default_params
    assert original().use_extra_bufts
    with without_extra_buffer_types(True):
        assert not low_level.llama_model_default_params().use_extra_bufts
    assert low_level.llama_model_default_params is original
    with without_extra_buffer_types(False):
        assert low_level.llama_model_default_params().use_extra_bufts
