import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import RooftopWire
import Testing

/// Checks `sync-protocol/vectors/merge/`: applying each vector's changesets in every order (and
/// each twice) gives the state in its `expected.json`. `ROOFTOP_WRITE_VECTORS=1` rewrites them.
@Suite struct MergeVectorTests {
    static let root = Fixtures.spec("vectors/merge")

    /// The state of the rows a vector touches, as `expected.json` lists it: per row, visibility,
    /// creation and tombstone stamps, each field's value and stamp; the customer as the API shows
    /// it; the conflict log.
    static func state(_ replica: Replica, _ vector: MergeVectors.Vector) throws -> JSONValue {
        var rows: [String: JSONValue] = [:]
        var touched: [(String, RowID)] = []
        for changeset in vector.changesets { for change in changeset.changes where !touched.contains(where: { $0 == (change.table, change.rowID) }) {
            touched.append((change.table, change.rowID))
        } }
        for (table, id) in touched {
            guard let entity = CRMSchema.entity(table) else { continue }
            let stored = try replica.storedState(entity, id: id)
            var fields: [String: JSONValue] = [:]
            for (name, stamp) in stored?.stamps ?? [:] where entity.field(name) != nil {
                fields[name] = .object(["value": entity.field(name)!.type.jsonValue(for: stored?.values[name] ?? .null), "stamp": .string(stamp.description)])
            }
            rows["\(table)/\(id)"] = .object([
                "visible": .bool(stored?.isVisible ?? false),
                "created": stored?.created.map { .string($0.description) } ?? .null,
                "deleted": stored?.deleted.map { .string($0.description) } ?? .null,
                "fields": .object(fields),
            ])
        }
        let conflicts = try replica.conflicts().map { c -> JSONValue in
            .object(["row": .string("\(c.table)/\(c.rowID)"), "origin": .string(c.origin.rawValue), "hlc": .string(HLC(rawValue: c.hlc).description),
                     "fields": .object(c.fields), "deletedBy": .string(c.deletedBy.rawValue)])
        }
        var loyalty: JSONValue = .null
        if let account = try? replica.loyalty(customer: MergeVectors.ana), !account.events.isEmpty {
            loyalty = .object(["balance": .number(Double(account.loyaltyPoints)),
                               "declined": .array(account.declined.map { .string($0.id.string) })])
        }
        return .object([
            "erased": .array(try replica.erasures().map { .string("\($0.customerId) by \($0.erasedBy)") }),
            "loyalty": loyalty,
            "rows": .object(rows),
            "customer": try replica.customer(id: MergeVectors.ana)?.json ?? .null,
            "conflicts": .array(conflicts),
        ])
    }

    static func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { i -> [[T]] in
            var rest = items
            let head = rest.remove(at: i)
            return permutations(rest).map { [head] + $0 }
        }
    }

    @Test(arguments: MergeVectors.all.map(\.name))
    func everyDeliveryOrderGivesTheExpectedState(_ name: String) throws {
        let vector = try #require(MergeVectors.all.first { $0.name == name })
        let directory = Self.root.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["ROOFTOP_WRITE_VECTORS"] == "1" {
            try? FileManager.default.removeItem(at: directory)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (i, changeset) in vector.changesets.enumerated() {
                try Data(try ChangesetCodec.encode(changeset)).write(to: directory.appendingPathComponent(String(format: "%02d-%@.changeset", i + 1, changeset.origin.rawValue)))
            }
            let t = try TestReplica("verifier", clock: ManualWallClock(milliseconds: MergeVectors.t0 + 600_000))
            defer { t.remove() }
            for changeset in vector.changesets { try t.replica.apply(changeset) }
            var expected = try Self.state(t.replica, vector).objectValue!
            expected["summary"] = .string(vector.summary)
            try (try JSONValue.object(expected).encoded(pretty: true) + Data("\n".utf8)).write(to: directory.appendingPathComponent("expected.json"))
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".changeset") }.sorted()
        let changesets = try files.map { try ChangesetCodec.decode(Array(try Data(contentsOf: directory.appendingPathComponent($0)))) }
        #expect(changesets == vector.changesets)
        var expected = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: directory.appendingPathComponent("expected.json"))).objectValue!
        expected["summary"] = nil
        for order in Self.permutations(Array(changesets.indices)) {
            let t = try TestReplica("verifier", clock: ManualWallClock(milliseconds: MergeVectors.t0 + 600_000))
            defer { t.remove() }
            for i in order + order { try t.replica.apply(changesets[i]) }  // every order, each delivered twice
            #expect(try Self.state(t.replica, vector) == .object(expected), "order \(order)")
        }
    }
}
