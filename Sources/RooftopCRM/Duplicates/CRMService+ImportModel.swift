import RooftopStore

extension CRMService {
    /// The most records an import's model is estimated from (the replica's and the file's together).
    /// Five times the replica model's 20,000: a sample of n of N holds (n/N)² of the pairs, and the
    /// household parameters need pairs of people at one address. Importing 200,000 generated rows
    /// (seed 1) into a new rooftop with 20,000 attached 389 different people (same-name parents and
    /// children at one address, mostly); with 100,000, 124 (README "A million customers").
    public static let importModelSampleSize = 100_000

    /// Whether the customer `id` belongs to a sample of about one in `step`: by a hash of the id
    /// (64-bit FNV-1a, its bits mixed by SplitMix64's finaliser), not by its position. Nested for
    /// powers of two (one in 2k lies inside one in k). A sample by position (every k-th id, every
    /// k-th line of a file) can miss every pair of records typed one after the other, and then the
    /// model learns that duplicates do not exist. So could FNV-1a alone: its low bits are the
    /// parities of the bytes' low bits, so ids one apart (`rec-…123`, `rec-…124`; UUIDv7s written
    /// one after the other) were never sampled together, and a one-in-four sample of 8,000
    /// generated records held 7–11 of their ~70 duplicate pairs instead of one in sixteen.
    public static func isSampled(_ id: String, step: Int) -> Bool {
        step <= 1 || mixed(Blocking.fnv1a(id)) % UInt64(step) == 0
    }

    /// SplitMix64's output function (Steele, Lea & Flood, OOPSLA 2014): every input bit moves
    /// about half the output bits, low ones included.
    static func mixed(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The match model an import checks its rows with: estimated from a sample of the customers
    /// already here and of the incoming ones, at the population the import makes
    /// (`sync-protocol/duplicate-detection.md#on-the-way-in`).
    ///
    /// The replica's own model (``duplicateModel()``) describes the customers already here. A first
    /// load into a new rooftop has none, so that model reads every name as rare (as if from 5,000
    /// customers) and two Carlos Garcias of one city become one person. An import that grows the
    /// replica by more than 10% therefore counts how common each name, e-mail and phone is in the
    /// file as well; a smaller one uses the replica's model.
    /// - Parameters:
    ///   - incoming: a sample of the rows to import (``isSampled(_:step:)``; any size: thinned to
    ///     fit ``importModelSampleSize`` beside the replica's share), their ids distinct.
    ///   - incomingCount: how many of the file's rows are new to the replica (rows imported before
    ///     left out; an estimate from the sample when the file is larger than it), ≥ `incoming.count`.
    /// - Throws: database errors.
    public func duplicateModel(importing incoming: consuming [MatchInput], incomingCount: Int) throws -> MatchModel {
        let count = try replica.customerCount()
        guard incomingCount * 10 > count, !incoming.isEmpty else { return try duplicateModel() }
        let population = count + max(incomingCount, incoming.count)
        let cap = Self.importModelSampleSize
        // Each side's share of the sample in proportion to its size.
        let replicaShare = population <= cap ? count : cap * count / population
        let fileShare = max(1, population <= cap ? incoming.count : cap - replicaShare)
        let fileStep = (incoming.count + fileShare - 1) / fileShare
        // Each input is turned into its record and let go as soon as it is (100,000 records take
        // about as much memory again as their inputs): the file's sample first, then the replica's.
        var fileSample = consume incoming
        if fileStep > 1 { fileSample.removeAll { !Self.isSampled($0.id, step: fileStep.nextPowerOfTwo) } }
        var records = Self.keys(fileSample)
        _ = consume fileSample
        if replicaShare > 0 { records += Self.keys(try matchInputs(ids: sampledCustomerIDs(step: max(1, count / replicaShare)))) }
        records.sort { $0.id < $1.id }
        return MatchModel.estimate(records: records, population: population, pairs: Blocking.candidatePairs(records))
    }

    /// The ids of about one visible, unmerged customer in `step` (``isSampled(_:step:)``), in id order.
    /// - Throws: database errors.
    func sampledCustomerIDs(step: Int) throws -> [String] {
        // Streamed: a million ids held at once would take about 80 MB for a sample of 20,000.
        var ids: [String] = []
        try replica.snapshot { tx in
            try tx.forEachRow("SELECT id FROM customer WHERE _created IS NOT NULL AND _deleted IS NULL AND _mergedInto IS NULL ORDER BY id") { row in
                if case .text(let id) = row[0], Self.isSampled(id, step: step) { ids.append(id) }
            }
        }
        return ids
    }
}

private extension Int {
    /// The least power of two ≥ self (1 for self ≤ 1).
    var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
