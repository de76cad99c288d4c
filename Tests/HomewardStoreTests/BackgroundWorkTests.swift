import Dispatch
@testable import HomewardStore
import Synchronization
import Testing

/// Work that needs other work's results starts once that has ended, and never holds a shared
/// thread while it waits.
struct BackgroundWorkTests {
    /// A piece of work named as a dependency holds the dependent one back until it ends.
    @Test func workStartsOnlyOnceItsDependenciesHaveEnded() throws {
        let release = DispatchSemaphore(value: 0)
        let first = BackgroundWork(onOwnThread: { () -> Int in
            release.wait()
            return 2
        })
        let second = BackgroundWork { 3 }
        let started = Mutex(false)
        let product = BackgroundWork(after: [first, second]) { () throws -> Int in
            started.withLock { $0 = true }
            return try first.value() * second.value()
        }
        second.wait()
        #expect(!started.withLock { $0 }, "the dependent work waits for the first one")
        #expect(product.finishedValue == nil)
        release.signal()
        #expect(try product.value() == 6)
        #expect(started.withLock { $0 })
    }

    /// A chain far longer than there are cores (each link reading the one before) ends: no link
    /// waits on a shared thread for the one before it.
    @Test func aLongChainOfDependentWorkEnds() throws {
        var last = BackgroundWork { 0 }
        for _ in 0..<200 {
            let previous = last
            last = BackgroundWork(after: [previous]) { try previous.value() + 1 }
        }
        #expect(try last.value() == 200)
    }

    /// What a dependency threw reaches the dependent work through its value.
    @Test func aDependencysErrorReachesTheWorkThatReadsIt() {
        struct Failed: Error {}
        let failing = BackgroundWork { () throws -> Int in throw Failed() }
        let dependent = BackgroundWork(after: [failing]) { try failing.value() + 1 }
        #expect(throws: Failed.self) { try dependent.value() }
    }
}
