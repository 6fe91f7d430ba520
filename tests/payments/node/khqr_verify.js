// Reads KHQR payloads (one per line) on stdin and prints, per payload, what NBC's own SDK
// (npm bakong-khqr) makes of it: {isValid, decoded}. Called by tests/payments/khqr_sdk.py.
"use strict";
const { BakongKHQR } = require("bakong-khqr");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = input.split("\n").filter(Boolean).map((qr) => {
    const verified = BakongKHQR.verify(qr);
    const decoded = BakongKHQR.decode(qr);
    return { qr, isValid: verified.isValid, error: verified.error || null, decoded: decoded.data || null, decodeStatus: decoded.status || null };
  });
  process.stdout.write(JSON.stringify(results));
});
