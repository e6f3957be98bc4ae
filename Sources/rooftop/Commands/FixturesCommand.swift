import ArgumentParser
import Foundation
import RooftopGenerator
import RooftopStore

struct FixturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures", abstract: "Realistic generated dealership data for trials, benchmarks and duplicate evaluation.",
        subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate N customer records from a seed: into a rooftop's replica, a customer CSV and/or the labelled duplicates CSV.",
            discussion: """
                Names follow US Census 2010 surname and SSA first-name frequencies (with accents and non-Latin-derived names), \
                phones have real area codes, VINs valid check digits; about 10% of people are entered again with typical \
                variations (case and accents, nicknames, typos, phone formats, moves, married names) and 12% share an address \
                and home phone with household members, who are different people. The same seed and count give the same files, \
                byte for byte. --labelled writes record_id,entity,first_name,...: equal entity = same person.
                """)
        @Option(help: "How many customer records (1–10,000,000).") var customers: Int
        @Option(help: "The seed (same seed, same data).") var seed: UInt64 = 1
        @Option(help: "A rooftop's data directory: the records are written into its replica as its own writes.") var data: String?
        @Option(help: "Write the customer import CSV here.") var csv: String?
        @Option(help: "Write the labelled CSV (record_id,entity,...) here.") var labelled: String?
        @Option(help: "Customers per transaction when writing a replica.") var batch: Int = 2_000

        func validate() throws {
            guard (1...10_000_000).contains(customers) else { throw ValidationError("--customers must be 1-10000000, got \(customers)") }
            guard data != nil || csv != nil || labelled != nil else { throw ValidationError("name at least one output: --data DIR, --csv FILE or --labelled FILE") }
            guard (1...100_000).contains(batch) else { throw ValidationError("--batch must be 1-100000") }
        }

        func run() throws {
            var writer: ReplicaWriter?
            if let data {
                var options = DataOptions()
                options.data = data
                writer = ReplicaWriter(replica: try options.openReplica(), seed: seed)
            }
            let csvFile = try csv.map { try LineFile(path: $0, header: RecordCSV.customerHeader) }
            let labelledFile = try labelled.map { try LineFile(path: $0, header: RecordCSV.labelledHeader) }
            let progress = CountProgress("generating", total: customers, unit: "customers")
            var batchRecords: [GeneratedRecord] = []
            var done = 0, rows = 0, duplicates = 0, entities = Set<String>()
            func flush() throws {
                if var w = writer, !batchRecords.isEmpty {
                    do { rows += try w.write(batchRecords) } catch let error as ReplicaError where error.code == .alreadyExists {
                        throw CLIError("\(data!) already holds these generated customers (seed \(seed)): use another seed or an empty rooftop")
                    }
                    writer = w
                }
                done += batchRecords.count
                batchRecords.removeAll(keepingCapacity: true)
                progress.update(done)
            }
            for record in DealershipGenerator(count: customers, seed: seed) {
                try csvFile?.write(RecordCSV.customerLine(record))
                try labelledFile?.write(RecordCSV.labelledLine(record))
                if case .duplicate = record.origin { duplicates += 1 }
                entities.insert(record.entity)
                batchRecords.append(record)
                if batchRecords.count >= batch { try flush() }
            }
            try flush()
            try csvFile?.close()
            try labelledFile?.close()
            progress.finish(done)
            var summary = "generated \(done) customer records of \(entities.count) people and businesses (\(duplicates) duplicate records), seed \(seed)"
            if let data { summary += "; \(rows) rows written into \(data)" }
            if let csv { summary += "; \(csv)" }
            if let labelled { summary += "; \(labelled)" }
            print(summary)
        }
    }
}

/// A text file written line by line through a buffer (constant memory whatever the size).
final class LineFile {
    let handle: FileHandle
    var buffer = Data()

    init(path: String, header: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CLIError("\(path): cannot be created")
        }
        self.handle = handle
        try write(header)
    }

    func write(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        try handle.close()
    }
}
