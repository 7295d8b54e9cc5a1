// HeadlessChromium: drives Debian's chromium in headless mode for the browser tests: the DOM the
// browser built from a page (--dump-dom) and a PNG screenshot. Each call gets its own profile
// directory, so calls never wait on one another's profile lock.

import Foundation
import Testing

struct HeadlessChromium {
    let path: String

    /// The browser: $CHROMIUM, else chromium or chromium-browser on PATH; nil when none is installed.
    static func find() -> HeadlessChromium? {
        let env = ProcessInfo.processInfo.environment
        if let explicit = env["CHROMIUM"], FileManager.default.isExecutableFile(atPath: explicit) { return HeadlessChromium(path: explicit) }
        for dir in (env["PATH"] ?? "/usr/bin").split(separator: ":") {
            for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return HeadlessChromium(path: "\(dir)/\(name)")
            }
        }
        return nil
    }

    private func run(_ arguments: [String]) throws -> (Int32, String, String) {
        let profile = ScratchDir("chromium-profile")
        defer { profile.cleanup() }
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        return try runProgram("/usr/bin/timeout", ["120", path, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                                   "--hide-scrollbars", "--user-data-dir=\(profile.path)"] + arguments)
    }

    /// The page's DOM after the browser parsed and laid it out.
    func dom(_ url: String) throws -> String {
        let (status, out, err) = try run(["--dump-dom", url])
        guard status == 0, !out.isEmpty else {
            throw BrowserError("chromium could not load \(url) (exit \(status)): \(err.suffix(600))")
        }
        return out
    }

    /// Saves a screenshot of the page and returns the PNG's width and height.
    @discardableResult
    func screenshot(_ url: String, to file: String, width: Int = 1200, height: Int = 800) throws -> (Int, Int) {
        try? FileManager.default.removeItem(atPath: file)
        let (status, _, err) = try run(["--screenshot=\(file)", "--window-size=\(width),\(height)", url])
        guard status == 0, let png = FileManager.default.contents(atPath: file), png.count > 24,
              png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw BrowserError("chromium made no PNG of \(url) (exit \(status)): \(err.suffix(600))")
        }
        let u32 = { (at: Int) in png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (u32(16), u32(20))   // the IHDR chunk's width and height
    }
}

struct BrowserError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
