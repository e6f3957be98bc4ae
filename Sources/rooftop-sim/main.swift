// The convergence soak (scripts/soak): runs the cluster simulator (the product's sync client and
// hub logic over an in-process transport with faults) over many seeds and prints any failing seed,
// so it can be replayed with `--seed N`.
//   rooftop-sim --seeds 10000 [--from 0] [--steps 150] [--rooftops 5]
//   rooftop-sim --seed 42          (replay one, with its full report)
import Foundation
import RooftopTesting

/// Writes a line unbuffered, so progress shows as it happens even when redirected to a file.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard flag.hasPrefix("--"), let value = arguments.popFirst() else {
        FileHandle.standardError.write(Data("usage: rooftop-sim --seeds N [--from S] [--steps K] [--rooftops R] | --seed S\n".utf8))
        exit(2)
    }
    options[String(flag.dropFirst(2))] = value
}
@MainActor func number(_ key: String, _ fallback: Int) -> Int {
    guard let text = options[key] else { return fallback }
    guard let value = Int(text), value >= 0 else {
        FileHandle.standardError.write(Data("--\(key) must be a whole number\n".utf8))
        exit(2)
    }
    return value
}
let steps = number("steps", 150), rooftops = max(2, number("rooftops", 5))

if let single = options["seed"] {
    guard let seed = UInt64(single) else { say("--seed must be a whole number"); exit(2) }
    let report = await (try ClusterSimulation(seed: seed, rooftops: rooftops)).run(steps: steps)
    say("\(report)")
    exit(report.passed ? 0 : 1)
}

let count = number("seeds", 1_000), first = number("from", 0)
let started = Date()
var failed: [UInt64] = []
for seed in UInt64(first)..<UInt64(first + count) {
    let report = await (try ClusterSimulation(seed: seed, rooftops: rooftops)).run(steps: steps)
    if !report.passed {
        failed.append(seed)
        say("\(report)")
    }
    if (seed + 1 - UInt64(first)) % 500 == 0 {
        say("\(seed + 1 - UInt64(first))/\(count) seeds, \(failed.count) failed, \(Int(Date().timeIntervalSince(started))) s")
    }
}
let seconds = Date().timeIntervalSince(started)
say("\(count) seeds (\(first)..<\(first + count)), \(steps) steps each, \(rooftops) rooftops + hub: \(failed.count) failed (diverged or lost an edit); \(String(format: "%.0f", seconds)) s")
if !failed.isEmpty { say("replay with: rooftop-sim --seed \(failed[0])") }
exit(failed.isEmpty ? 0 : 1)
