# Cinder's fake volume driver (no disk is ever touched) with a no-op extend: the test driver's
# LVM parent would call a missing extend_volume and end in error_extending.
from cinder.tests.fake_driver import FakeLoggingVolumeDriver


class FeasFakeDriver(FakeLoggingVolumeDriver):
    def extend_volume(self, volume, new_size):
        pass
