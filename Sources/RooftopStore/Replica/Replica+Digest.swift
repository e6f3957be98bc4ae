import Crypto
import Foundation
import GRDB
import RooftopModel
import RooftopReplication
import RooftopWire

extension Replica {
    /// The per-table content digests of this replica, in ``CRMSchema/entities`` order.
    ///
    /// The digest covers replicated content only (values, stamps, creation and tombstones), not
    /// the change log or sync bookkeeping, so every replica that has seen the same changes reports
    /// the same digests whatever order it saw them in (`sync-protocol/sync-exchange.md#digest`).
    public func digest() throws -> [TableDigest] {
        try pool.read { db in
            try CRMSchema.entities.map { entity in
                var hasher = SHA256()
                var count = 0
                try Self.forEachCanonicalRow(db, entity) { _, bytes in
                    hasher.update(data: bytes)
                    count += 1
                }
                return TableDigest(table: entity.table, rows: count, sha256: Self.hex(hasher.finalize()))
            }
        }
    }

    /// Digests of a table's rows grouped by the first two hex digits of their id (256 buckets at
    /// most; empty buckets omitted): what `rooftop sync verify` compares before fetching rows.
    /// - Returns: bucket prefix (`"01"`) → SHA-256 hex of its rows' canonical bytes in id order.
    /// - Throws: ``ReplicaError`` `INVALID` for an unknown table.
    public func bucketDigests(table: String) throws -> [String: String] {
        guard let entity = CRMSchema.entity(table) else { throw ReplicaError(.invalid, "unknown table \(table)") }
        return try pool.read { db in
            var hashers: [String: SHA256] = [:]
            try Self.forEachCanonicalRow(db, entity) { id, bytes in
                hashers[String(id.prefix(2)), default: SHA256()].update(data: bytes)
            }
            return hashers.mapValues { Self.hex($0.finalize()) }
        }
    }

    /// Each row's digest in one bucket (ids starting with `prefix`, two hex digits).
    /// - Returns: row id → SHA-256 hex of its canonical bytes.
    /// - Throws: ``ReplicaError`` `INVALID` for an unknown table or a malformed prefix.
    public func rowDigests(table: String, prefix: String) throws -> [String: String] {
        guard let entity = CRMSchema.entity(table) else { throw ReplicaError(.invalid, "unknown table \(table)") }
        guard prefix.count == 2, prefix.allSatisfy(\.isHexDigit) else { throw ReplicaError(.invalid, "prefix must be two hex digits") }
        return try pool.read { db in
            var digests: [String: String] = [:]
            try Self.forEachCanonicalRow(db, entity, prefix: prefix.lowercased()) { id, bytes in
                digests[id] = Self.hex(SHA256.hash(data: bytes))
            }
            return digests
        }
    }

    /// Calls `body` with each row's id and canonical bytes, in id order: the id, every field
    /// value the entity had when its table was created, in schema order, then `_created`,
    /// `_createdBy`, `_stamps`, `_deleted`, `_deletedBy`, `_tombstoned`, each in the changeset value
    /// encoding; then, for each field a later schema appended, its name and value when it is not
    /// null (so appending a field leaves the digest of every row that does not set it unchanged,
    /// `sync-protocol/sync-exchange.md#digest`).
    static func forEachCanonicalRow(_ db: Database, _ entity: EntitySchema, prefix: String? = nil,
                                    _ body: (String, [UInt8]) throws -> Void) throws {
        let base = entity.fields(asOf: entity.since), appended = entity.fields.filter { $0.since > entity.since }
        let columns = base.map(\.name.quotedDatabaseIdentifier).joined(separator: ", ")
        let appendedColumns = appended.map { ", " + $0.name.quotedDatabaseIdentifier }.joined()
        let filter = prefix.map { "WHERE id >= '\($0)' AND id < '\($0)g'" } ?? ""
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, \(columns), \(RowIO.replicationColumns)\(appendedColumns) FROM \(entity.table.quotedDatabaseIdentifier) \(filter) ORDER BY id
            """)
        let width = 1 + base.count + 6
        var buffer: [UInt8] = []
        while let row = try rows.next() {
            buffer.removeAll(keepingCapacity: true)
            for i in 0..<width { FieldListCodec.appendCanonical(FieldValue(row[i] as DatabaseValue), to: &buffer) }
            for (offset, field) in appended.enumerated() {
                let value = FieldValue(row[width + offset] as DatabaseValue)
                guard !value.isNull else { continue }
                FieldListCodec.appendCanonical(.text(field.name), to: &buffer)
                FieldListCodec.appendCanonical(value, to: &buffer)
            }
            try body(row[0], buffer)
        }
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
