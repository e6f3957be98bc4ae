import ArgumentParser
import Foundation
import RooftopImport

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import leads and customer files.",
                                                    subcommands: [ADF.self, FEBRL.self, Customers.self])

    struct ADF: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "adf", abstract: "Import ADF 1.0 XML lead files (sync-protocol/lead-intake.md).",
            discussion: """
                Each usable prospect becomes (or attaches to) a customer with an interaction and a lead record; values that \
                fail validation are printed as warnings and kept in the interaction; a prospect nobody can be reached at is \
                quarantined (`rooftop leads rejected`). Each file is imported whole or not at all (up to 200 files share \
                a transaction, each in a savepoint). A directory stands for its .xml and .adf files, in name order. \
                Exits 1 if a file is not ADF at all (nothing imported from it) or cannot be read.
                """)
        @OptionGroup var data: DataOptions
        @Argument(help: "ADF XML files, or directories of them.") var files: [String]

        func run() throws {
            let paths = try Self.expand(files)
            let replica = try data.openReplica()
            var rejected = 0
            let loaders: [() throws -> Data] = paths.map { file in
                { try requireReadableFile(file); return try ADFParser.readFile(at: URL(fileURLWithPath: file)) }
            }
            try LeadImporter.importDocuments(loaders, into: replica, via: .cli) { index, outcome in
                let name = URL(fileURLWithPath: paths[index]).lastPathComponent
                switch outcome {
                case .success(let report):
                    print("\(name): \(report)")
                    for warning in report.warnings { print("  warning \(warning)") }
                    for lead in report.leads where lead.outcome == "Quarantined" {
                        print("  quarantined prospect \(lead.index): \(lead.reason ?? "?") (lead \(lead.leadId))")
                    }
                case .failure(let error as ADFError):
                    rejected += 1
                    FileHandle.standardError.write(Data("\(name): rejected, nothing imported: \(error)\n".utf8))
                case .failure(let error):
                    // Any other failure (unreadable file, database): this file only; the next ones still import.
                    rejected += 1
                    FileHandle.standardError.write(Data("\(name): not imported: \(error)\n".utf8))
                }
            }
            if rejected > 0 { throw CLIError("\(rejected) of \(paths.count) file(s) rejected") }
        }

        /// The files named, a directory replaced by its `.xml` and `.adf` files (not hidden) in name order.
        /// - Throws: ``CLIError`` for a directory that cannot be read or holds no such file.
        static func expand(_ arguments: [String]) throws -> [String] {
            var paths: [String] = []
            for argument in arguments {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue else {
                    paths.append(argument)  // a missing or unreadable file is reported with its name
                    continue
                }
                let names: [String]
                do { names = try FileManager.default.contentsOfDirectory(atPath: argument) } catch {
                    throw CLIError("\(argument): cannot read the directory (\(error.localizedDescription))")
                }
                let leads = names.filter { !$0.hasPrefix(".") && ["xml", "adf"].contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }.sorted()
                guard !leads.isEmpty else { throw CLIError("\(argument): no .xml or .adf file in this directory") }
                paths += leads.map { URL(fileURLWithPath: argument).appendingPathComponent($0).path }
            }
            return paths
        }
    }

    struct FEBRL: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "febrl", abstract: "Import a FEBRL person file (CSV) as customers.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The CSV file.") var file: String

        func run() throws {
            guard let text = String(data: try readUserFile(file), encoding: .utf8) else {
                throw CLIError("\(file) is not UTF-8 text")
            }
            let report: ImportReport
            do { report = try FEBRLImporter.importFile(text, into: try data.openReplica()) } catch let error as FEBRLError {
                throw CLIError("\(file): rejected, nothing imported: \(error)")
            }
            print("\(URL(fileURLWithPath: file).lastPathComponent): \(report)")
            for reason in report.rejected { FileHandle.standardError.write(Data("  skipped \(reason)\n".utf8)) }
        }
    }

    struct Customers: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "customers", abstract: "Import customers from a CSV or JSON Lines file, streamed (any size), every rejected line reported.",
            discussion: """
                CSV: columns named like the fields (id, externalId, firstName, lastName, businessName, email, phone, phoneType, \
                street, city, state, postalCode, country, birthDate, contactType, sourceType, status, notes, createdAt, \
                loyaltyTier, tags, doNotContact, optInEmail, ...) are read; map others with --map "First Name=firstName". \
                JSON Lines (.jsonl, .ndjson, or --format jsonl): one Customer object per line, as \
                `rooftop export customers --format jsonl` writes it: every phone, address, tag and consent flag. \
                A row is written whole or not at all; running the same file again (or after an interruption) writes nothing \
                twice, and a customer already here is left as it is. An export restored at a rooftop that has not yet synced \
                its customers writes them anew: after sync those writes win over edits made elsewhere since the export \
                (sync moves customers between rooftops; a restore is for a new group or a rebuilt replica). A CSV's externalId is its source system's key at this rooftop: \
                this rooftop's ledger of imported rows maps it to the customer it made (another store's rec-1 is another person), \
                and a row whose externalId was imported here before from another row is rejected; \
                a file from another system numbering its customers the same way is imported with --external-system NAME. \
                `rooftop fixtures generate --csv` writes the CSV format. \
                Exits 2 when rows were rejected (each listed on stderr with its line; the other rows are imported), \
                1 when the import could not run. Ctrl-C (or SIGTERM) stops it once the rows being written are committed, \
                prints what it did and exits 130: run the same command again to finish (a second Ctrl-C stops at once, \
                without those rows). \
                When no node or other command has the replica open, the import has it to itself (others wait) and loads in \
                bulk: large transactions, and the indexes it does not read built at the end.
                """)
        @OptionGroup var data: DataOptions
        @Argument(help: "The CSV or JSON Lines file.") var file: String
        @Option(help: "csv or jsonl (default: jsonl for a .jsonl or .ndjson file, else csv).") var format: String?
        @Option(help: "column=field (CSV); repeatable.") var map: [String] = []
        @Flag(help: ArgumentHelp("Create every valid row, even one that confidently duplicates an existing customer (a first load into an empty replica).",
                                 discussion: "Rows an earlier run with the check attached to a customer were not written: run the same file again with this flag and they are created, as separate customers."))
        var noDuplicateCheck = false
        @Option(name: .customLong("matches"), help: ArgumentHelp("Write the rows attached to an existing customer to this CSV file: line,customerId,probability.",
                                                                valueName: "file"))
        var matchesFile: String?
        @Option(help: ArgumentHelp("The system whose keys the CSV's externalId column holds (a DMS's name; letter case and surrounding spaces aside): two systems' keys name different customers.",
                                   valueName: "name"))
        var externalSystem: String?

        func run() throws {
            var mapping: [String: String] = [:]
            for pair in map {
                guard let eq = pair.lastIndex(of: "=") else { throw CLIError("--map expects column=field, got \(pair)") }
                mapping[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
            }
            let fileFormat = try format.map { name in
                guard let parsed = CustomerFileFormat(rawValue: name.lowercased()) else { throw CLIError("--format must be csv or jsonl, got \(name)") }
                return parsed
            } ?? CustomerFileFormat.implied(byPath: file)
            if fileFormat == .jsonl && !map.isEmpty { throw CLIError("--map maps CSV columns: a JSON Lines file names the fields themselves") }
            if fileFormat == .jsonl && externalSystem != nil { throw CLIError("--external-system names the system of a CSV's externalId column: a JSON Lines file carries ids") }
            if let problem = externalSystem.flatMap(CustomerImporter.externalSystemProblem) { throw CLIError("--external-system: " + problem) }
            try requireReadableFile(file)  // a missing or unreadable file: one-line reason, nothing read yet
            if let matchesFile { try requireWritableFile(matchesFile, notTheSameAs: file) }  // before a long import, not after; nothing written yet
            let replica = try data.openReplica()
            // The import's own process: a larger page cache for the indexes every row lands in
            // (peak RSS stays under 300 MB at a million rows; README "A million customers"), unless
            // the duplicate check's model is held beside it.
            try replica.setWriterCache(mebibytes: noDuplicateCheck ? Self.writerCacheMiB : Self.checkedWriterCacheMiB)
            let total = try Self.dataLines(file, header: fileFormat == .csv)
            // With the duplicate check, a first pass samples the file for the check's model (how
            // common each name is); the import's own bar starts after it, so its rate is the import's.
            let sampling = CountProgress("reading for the duplicate check", total: total, unit: "rows")
            var importing: CountProgress?
            let progress = { () -> CountProgress in
                if let importing { return importing }
                if !noDuplicateCheck { sampling.finish(total) }
                importing = CountProgress("importing", total: total, unit: "rows")
                return importing!
            }
            let report: ImportReport
            // Rows done when last told: where the bar ends when the import is stopped.
            var done = 0
            let stop = StopRequest.install("stopping after the rows being written are committed (Ctrl-C again to stop now: those rows are then not written)")
            do {
                var importer = try CustomerImporter(replica: replica, mapping: mapping)
                importer.format = fileFormat
                importer.dataLines = total
                importer.checkDuplicates = !noDuplicateCheck
                importer.externalSystem = externalSystem
                importer.samplingProgress = { sampling.update($0) }
                importer.estimatingModel = {
                    sampling.finish(total)
                    FileHandle.standardError.write(Data("estimating how common each name, e-mail and phone is (the duplicate check's model)\n".utf8))
                }
                // Alone with the replica (no node has it open), the import loads in bulk.
                importer.bulkLoad = true
                // Ctrl-C stops once the chunk in flight is committed (a second one stops at once).
                importer.shouldStop = { stop.requested }
                importer.rebuildingIndexes = {
                    progress().finish(stop.requested ? done : total)
                    FileHandle.standardError.write(Data("building the indexes left to the end of the bulk load\n".utf8))
                }
                report = try importer.importFile(at: file) { rows in
                    done = rows
                    progress().update(rows)
                }
            } catch let error as CustomerImportError {
                throw CLIError(error.description)
            }
            progress().finish(report.stoppedAfterRows ?? total)
            print("\(URL(fileURLWithPath: file).lastPathComponent): \(report)")
            if let matchesFile {
                try writeUserFile(matchesFile, Data((["line,customerId,probability"] + report.matches.map { "\($0.line),\($0.customerId),\($0.probability)" })
                    .joined(separator: "\n").appending("\n").utf8))
                print("matched rows and their customers: \(matchesFile)")
            } else if !report.matches.isEmpty {
                print("rows matched to a customer: --matches FILE lists each line with the customer")
            }
            if !report.ignoredColumns.isEmpty { print("columns not imported (map them with --map): \(report.ignoredColumns.joined(separator: ", "))") }
            for row in report.differing {
                print("  left as it is: line \(row.line): customer \(row.customerId) here differs from this row (an import never changes a customer: "
                      + "rooftop customer update, or PUT /api/crm/customers/{id})")
            }
            for reason in report.rejected { FileHandle.standardError.write(Data("  rejected \(reason)\n".utf8)) }
            // A script tells rows left out (exit 2) from an import that could not run at all (exit 1).
            if !report.rejected.isEmpty {
                let rows = report.customersCreated + report.customersMatched + report.alreadyImported + report.rejected.count
                let others = rows == report.rejected.count ? "nothing imported" : "the other rows were imported"
                FileHandle.standardError.write(Data("\(report.rejected.count) of \(rows) rows rejected (listed above by line); \(others)\n".utf8))
                throw ExitCode(report.stoppedAfterRows == nil ? Self.rowsRejectedExitCode : Self.stoppedExitCode)
            }
            // Stopped by Ctrl-C or SIGTERM: what it did is printed above.
            if report.stoppedAfterRows != nil { throw ExitCode(Self.stoppedExitCode) }
        }

        /// The exit status when the import was stopped (Ctrl-C, SIGTERM) after committing part of the
        /// file: 130, 128 + SIGINT, as a shell reports a command Ctrl-C ended.
        static let stoppedExitCode: Int32 = 130

        /// The exit status when the import ran but rejected rows (1: it could not run, nothing or
        /// only the lines before a failure imported).
        static let rowsRejectedExitCode: Int32 = 2

        /// The writer's page cache during a CLI import without the duplicate check, MiB.
        static let writerCacheMiB = 128

        /// With the check: the model's estimate (a 100,000-record sample) peaks first, and the cache
        /// then grows into what it freed. With 128 MiB, importing 100,000 rows into 200,000
        /// customers peaked at 404 MB; with 64 MiB at 341 MB, in the same time (README).
        static let checkedWriterCacheMiB = 64

        /// The data lines of the file (its lines, the last one with or without a line break, minus the header
        /// when it has one), read in 1 MiB chunks.
        static func dataLines(_ path: String, header: Bool) throws -> Int {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIError("\(path): cannot be read") }
            defer { try? handle.close() }
            var lines = 0, last: UInt8?
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                lines += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                last = chunk.last
            }
            if let last, last != 0x0A { lines += 1 }  // the last line without a line break
            return max(0, lines - (header ? 1 : 0))
        }
    }
}
