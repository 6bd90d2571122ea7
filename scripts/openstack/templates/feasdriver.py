"""Cinder's test driver FakeLoggingVolumeDriver (logs calls, touches no disk) with a no-op
extend_volume: the parent's fake LVM has none, so an extend would end in error_extending."""
from cinder.tests.fake_driver import FakeLoggingVolumeDriver


class FeasFakeDriver(FakeLoggingVolumeDriver):
    def extend_volume(self, volume, new_size):
        pass
