/// Draws items with probability proportional to their weight: cumulative weights and a binary
/// search, O(log n) per draw. Deterministic for a given generator state.
struct WeightedTable<Item> {
    let items: [Item]
    let cumulative: [Int]

    /// - Precondition: at least one positive weight.
    init(_ pairs: [(Item, Int)]) {
        items = pairs.map(\.0)
        var total = 0
        cumulative = pairs.map { total += max(0, $0.1); return total }
        precondition(total > 0, "a weighted table needs a positive weight")
    }

    func draw(_ random: inout SplitMix64) -> Item {
        let target = Int(random.next() % UInt64(cumulative.last!))
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > target { high = mid } else { low = mid + 1 }
        }
        return items[low]
    }
}

extension SplitMix64 {
    /// True with probability `percent` / 100.
    mutating func chance(_ percent: Double) -> Bool { Double(next() % 1_000_000) < percent * 10_000 }
    /// A uniform integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    /// A uniform element.
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}
