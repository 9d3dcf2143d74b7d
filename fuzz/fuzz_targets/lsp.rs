//! Any bytes as a stream of JSON-RPC messages (one per line) to the language
//! server: it must keep answering.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Request, RequestId, Response};

fuzz_target!(|data: &[u8]| {
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || tenet::lsp::run(server));
    let init =
        serde_json::json!({ "capabilities": {}, "initializationOptions": { "debounceMs": 0 } });
    client
        .sender
        .send(Request::new(RequestId::from(0), "initialize".into(), init).into())
        .unwrap();
    for line in data.split(|&b| b == b'\n') {
        if let Ok(m) = serde_json::from_slice::<Message>(line) {
            let _ = client.sender.send(m);
        }
    }
    let ping = Request::new(
        RequestId::from(-1),
        "tenet/ping".into(),
        serde_json::Value::Null,
    );
    let _ = client.sender.send(ping.into());
    let answered = loop {
        match client
            .receiver
            .recv_timeout(std::time::Duration::from_secs(20))
        {
            Ok(Message::Response(Response { id, .. })) if id == RequestId::from(-1) => break true,
            Ok(_) => {}
            Err(_) => break false,
        }
    };
    assert!(answered, "the server stopped answering");
    drop(client);
    let _ = handle.join();
});
