import RooftopModel
import RooftopReplication

/// The `_stamps` column: each written field's winning stamp, in field order.
///
/// Layout per stamped field: field index (u8, position in the entity's schema), HLC (u64
/// big-endian), origin (u8 length + ASCII). Deterministic: two replicas with the same stamps
/// hold the same bytes.
enum StampCodec {
    static func encode(_ stamps: [String: FieldStamp], entity: EntitySchema) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(stamps.count * 16)
        for (index, field) in entity.fields.enumerated() {
            guard let stamp = stamps[field.name] else { continue }
            out.append(UInt8(index))
            let raw = stamp.hlc.rawValue
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: raw >> UInt64(shift))) }
            let origin = stamp.origin.rawValue.utf8
            out.append(UInt8(origin.count))
            out.append(contentsOf: origin)
        }
        return out
    }

    static func decode(_ bytes: [UInt8], entity: EntitySchema) throws(ReplicaError) -> [String: FieldStamp] {
        var stamps: [String: FieldStamp] = [:]
        var i = 0
        func fail() -> ReplicaError { ReplicaError(.corrupt, "unreadable field stamps in \(entity.table)") }
        while i < bytes.count {
            guard i + 10 <= bytes.count, Int(bytes[i]) < entity.fields.count else { throw fail() }
            let name = entity.fields[Int(bytes[i])].name
            var raw: UInt64 = 0
            for k in 1...8 { raw = raw << 8 | UInt64(bytes[i + k]) }
            let length = Int(bytes[i + 9])
            guard i + 10 + length <= bytes.count,
                let text = String(validating: bytes[(i + 10)..<(i + 10 + length)], as: UTF8.self),
                let origin = RooftopID(rawValue: text)
            else { throw fail() }
            stamps[name] = FieldStamp(hlc: HLC(rawValue: raw), origin: origin)
            i += 10 + length
        }
        return stamps
    }
}
