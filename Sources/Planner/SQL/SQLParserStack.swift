// SQLParserStack: a deeply nested statement is parsed on a thread of its own with a 64 MiB stack.
// Recursive descent uses stack for every level of nesting (up to 17 KiB a level in a debug build,
// a subquery in parentheses), and SQLParser allows 1,000 levels: more than the 512 KiB to 8 MiB
// stack of whatever thread calls `sql(…)`. The stack is reserved address space; only the pages a
// statement's depth touches are used. Statements that cannot nest past `inlineNesting` levels (what
// people write: the bound of the TPC-H queries is at most 7) are parsed on the caller's thread,
// because starting a thread can wait milliseconds for a core on a busy machine.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@_spi(EmberInternal) public enum SQLParserStack {
    static let size = 64 << 20
    /// The nesting parsed on the caller's stack: at most about 400 KiB of it in a debug build.
    static let inlineNesting = 24

    /// The result of `body`, run on a thread with a ``size`` stack while the caller waits (on the
    /// caller's thread when no thread can be started). Also for code that walks a deep syntax tree.
    @_spi(EmberInternal) public static func run<T>(_ body: () throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            var result: Result<T, any Error>?
            let job = Job { result = Result { try body() } }
            let context = Unmanaged.passRetained(job).toOpaque()
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            defer { pthread_attr_destroy(&attributes) }
            pthread_attr_setstacksize(&attributes, size)
            #if canImport(Darwin)
            var thread: pthread_t?
            #else
            var thread = pthread_t()
            #endif
            let started = pthread_create(&thread, &attributes, { context in
                guard let context else { return nil }
                Unmanaged<Job>.fromOpaque(context).takeRetainedValue().work()
                return nil
            }, context)
            guard started == 0 else {
                Unmanaged<Job>.fromOpaque(context).release()
                return try body()
            }
            #if canImport(Darwin)
            if let thread { pthread_join(thread, nil) }
            #else
            pthread_join(thread, nil)
            #endif
            guard let result else { return try body() }
            return try result.get()
        }
    }

    final class Job {
        let work: () -> Void
        init(_ work: @escaping () -> Void) { self.work = work }
    }
}
