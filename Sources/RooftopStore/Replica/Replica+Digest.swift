import Crypto
import Foundation
import GRDB
import RooftopModel
import RooftopReplication
import RooftopWire

extension Replica {
    /// The per-table content digests of this replica, in ``CRMSchema/entities`` order.
    ///
    /// The digest covers replicated content only (values, stamps, creation), not the change log
    /// or sync bookkeeping, so every replica that has seen the same changes reports the same
    /// digests whatever order it saw them in (`sync-protocol/sync-exchange.md#digest`).
    public func digest() throws -> [TableDigest] {
        try pool.read { db in
            try CRMSchema.entities.map { entity in try Self.digest(db, entity) }
        }
    }

    static func digest(_ db: Database, _ entity: EntitySchema) throws -> TableDigest {
        let columns = entity.fields.map(\.name.quotedDatabaseIdentifier).joined(separator: ", ")
        let rows = try Row.fetchCursor(db, sql: "SELECT id, \(columns), \(RowIO.replicationColumns) FROM \(entity.table.quotedDatabaseIdentifier) ORDER BY id")
        var hasher = SHA256()
        var count = 0
        var buffer: [UInt8] = []
        while let row = try rows.next() {
            buffer.removeAll(keepingCapacity: true)
            let id: String = row[0]
            FieldListCodec.appendCanonical(.text(id), to: &buffer)
            for i in 0..<entity.fields.count {
                FieldListCodec.appendCanonical(FieldValue(row[1 + i] as DatabaseValue), to: &buffer)
            }
            let n = entity.fields.count
            FieldListCodec.appendCanonical(FieldValue(row[1 + n] as DatabaseValue), to: &buffer)
            FieldListCodec.appendCanonical(FieldValue(row[2 + n] as DatabaseValue), to: &buffer)
            for k in 3...6 { FieldListCodec.appendCanonical(FieldValue(row[k + n] as DatabaseValue), to: &buffer) }
            hasher.update(data: buffer)
            count += 1
        }
        let hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return TableDigest(table: entity.table, rows: count, sha256: hex)
    }
}
