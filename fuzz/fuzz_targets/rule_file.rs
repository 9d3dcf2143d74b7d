//! Any bytes as a rule file: parsing, lowering, rendering errors and running the
//! examples of what compiled must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let compiled = tenet::language::lower::compile_str("fuzz.tenet", &source);
    let _ = tenet::language::diagnostic::render_all(&compiled.diagnostics);
    let engine = tenet::engine::Engine::new(compiled.rules);
    tenet::engine::examples::run(&engine, &Default::default());
});
