"""`python -m llama_cpp.server`, started so that the model also loads on AMX CPUs.

llama-cpp-python's server creates its `Llama` itself; on a machine with Intel AMX that model would crash
at its first answer (see `app.providers.llamacpp.without_extra_buffer_types`). Same arguments as the server.
"""

from __future__ import annotations

import runpy

from app.providers.llamacpp import cpu_has_amx, without_extra_buffer_types

if __name__ == "__main__":
    with without_extra_buffer_types(cpu_has_amx()):
        runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
