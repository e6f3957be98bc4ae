import ArgumentParser
import Crypto
import Foundation

struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest", abstract: "Per-table content digest of the replica: equal on every replica that has seen the same changes.")
    @OptionGroup var data: DataOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let digests = try data.openReplica().digest()
        if json { return try Output.printJSON(digests) }
        for d in digests {
            print("\(d.table.padding(toLength: 20, withPad: " ", startingAt: 0)) \(String(d.rows).padding(toLength: 8, withPad: " ", startingAt: 0)) \(d.sha256)")
        }
        let all = SHA256.hash(data: Array(digests.map(\.sha256).joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
        print("\("all".padding(toLength: 20, withPad: " ", startingAt: 0)) \(String(digests.reduce(0) { $0 + $1.rows }).padding(toLength: 8, withPad: " ", startingAt: 0)) \(all)")
    }
}
