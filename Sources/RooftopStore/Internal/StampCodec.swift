import RooftopModel
import RooftopReplication

/// The `_stamps` column: each written field's winning stamp, in field order.
///
/// Layout per stamped field: field index (u8, position in the entity's schema), HLC (u64
/// big-endian), origin (u8 length + ASCII). Deterministic: two replicas with the same stamps
/// hold the same bytes.
enum StampCodec {
    static func encode(_ stamps: [String: FieldStamp], entity: EntitySchema) -> [UInt8] {
        // Positional first (one hash per stamped field, not one per schema field), then in field order.
        var positional = [FieldStamp?](repeating: nil, count: entity.fields.count)
        for (name, stamp) in stamps {
            if let index = entity.fieldIndex[name] { positional[index] = stamp }
        }
        return encode(positional)
    }

    /// Encodes stamps given by field position (`stamps[i]` is the stamp of `entity.fields[i]`).
    static func encode(_ stamps: [FieldStamp?]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(stamps.count * 16)
        for (index, stamp) in stamps.enumerated() {
            guard let stamp else { continue }
            append(stamp, index: index, to: &out)
        }
        return out
    }

    /// Encodes one stamp shared by the fields at `positions` (ascending): the stamps of a row
    /// created by a single insert.
    static func encode(_ stamp: FieldStamp, positions: [Bool]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(positions.count * 16)
        for (index, present) in positions.enumerated() where present { append(stamp, index: index, to: &out) }
        return out
    }

    private static func append(_ stamp: FieldStamp, index: Int, to out: inout [UInt8]) {
        out.append(UInt8(index))
        let raw = stamp.hlc.rawValue
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: raw >> UInt64(shift))) }
        let origin = stamp.origin.rawValue.utf8
        out.append(UInt8(origin.count))
        out.append(contentsOf: origin)
    }

    static func decode(_ bytes: [UInt8], entity: EntitySchema) throws(ReplicaError) -> [String: FieldStamp] {
        var stamps: [String: FieldStamp] = [:]
        stamps.reserveCapacity(bytes.count / 14)  // 10 bytes and an origin of a few
        var i = 0
        func fail() -> ReplicaError { ReplicaError(.corrupt, "unreadable field stamps in \(entity.table)") }
        // A row's fields were mostly written at one or two rooftops: an origin equal to the last one read is that one.
        var last: (bytes: ArraySlice<UInt8>, origin: RooftopID)?
        while i < bytes.count {
            guard i + 10 <= bytes.count, Int(bytes[i]) < entity.fields.count else { throw fail() }
            let name = entity.fields[Int(bytes[i])].name
            var raw: UInt64 = 0
            for k in 1...8 { raw = raw << 8 | UInt64(bytes[i + k]) }
            let length = Int(bytes[i + 9])
            guard i + 10 + length <= bytes.count else { throw fail() }
            let originBytes = bytes[(i + 10)..<(i + 10 + length)]
            let origin: RooftopID
            if let last, last.bytes.elementsEqual(originBytes) {
                origin = last.origin
            } else {
                guard let text = String(validating: originBytes, as: UTF8.self), let read = RooftopID(rawValue: text) else { throw fail() }
                origin = read
                last = (originBytes, read)
            }
            stamps[name] = FieldStamp(hlc: HLC(rawValue: raw), origin: origin)
            i += 10 + length
        }
        return stamps
    }
}
