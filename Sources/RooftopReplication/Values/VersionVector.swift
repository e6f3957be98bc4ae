/// What a replica has seen: for each origin rooftop, the greatest HLC of its changes applied here.
///
/// Each origin issues strictly increasing HLCs and its changes travel in that order, so one
/// number per origin is a complete summary. Merge takes the per-origin maximum.
/// See `sync-protocol/sync-exchange.md#version-vector`.
public struct VersionVector: Hashable, Sendable, Codable {
    /// Origin → greatest HLC seen.
    public private(set) var entries: [RooftopID: HLC]

    public init(_ entries: [RooftopID: HLC] = [:]) { self.entries = entries }

    /// The greatest HLC seen from `origin`, or ``HLC/zero``.
    public subscript(origin: RooftopID) -> HLC { entries[origin] ?? .zero }

    /// Raises the entry for `origin` to `hlc` if `hlc` is greater.
    public mutating func advance(_ origin: RooftopID, to hlc: HLC) {
        if hlc > self[origin] { entries[origin] = hlc }
    }

    /// The per-origin maximum of both vectors.
    public func merged(with other: VersionVector) -> VersionVector {
        var result = self
        for (origin, hlc) in other.entries { result.advance(origin, to: hlc) }
        return result
    }

    /// True when this vector has seen everything `other` has.
    public func dominates(_ other: VersionVector) -> Bool {
        other.entries.allSatisfy { self[$0.key] >= $0.value }
    }

    /// The binary form a delete carries as its context: entries sorted by origin, each the
    /// origin (u8 length + ASCII) then the HLC (u64 big-endian).
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        for (origin, hlc) in entries.sorted(by: { $0.key < $1.key }) {
            let name = Array(origin.rawValue.utf8)
            out.append(UInt8(name.count))
            out.append(contentsOf: name)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: hlc.rawValue >> UInt64(shift))) }
        }
        return out
    }

    /// Reads ``encoded()``; nil when the bytes are not of that form.
    public init?(encoded bytes: [UInt8]) {
        var entries: [RooftopID: HLC] = [:]
        var i = 0
        while i < bytes.count {
            let length = Int(bytes[i])
            guard i + 1 + length + 8 <= bytes.count,
                let name = String(validating: bytes[(i + 1)..<(i + 1 + length)], as: UTF8.self),
                let origin = RooftopID(rawValue: name)
            else { return nil }
            var raw: UInt64 = 0
            for k in 0..<8 { raw = raw << 8 | UInt64(bytes[i + 1 + length + k]) }
            entries[origin] = HLC(rawValue: raw)
            i += 1 + length + 8
        }
        self.entries = entries
    }

    // JSON: {"north": "1764472800000.3"} would lose nothing but is awkward; use raw numbers.
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode([String: UInt64].self)
        var entries: [RooftopID: HLC] = [:]
        for (key, value) in raw {
            guard let origin = RooftopID(rawValue: key) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid rooftop id \(key)"))
            }
            entries[origin] = HLC(rawValue: value)
        }
        self.entries = entries
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Dictionary(uniqueKeysWithValues: entries.map { ($0.key.rawValue, $0.value.rawValue) }))
    }
}
