from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners and accounts"

    def ready(self) -> None:
        import contextlib

        from django.contrib.auth.signals import user_login_failed
        from rest_framework.exceptions import Throttled

        from partners import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from partners.throttling import count_failed_sign_in

        def count_failure(sender, credentials, request=None, **kwargs):
            # The sign-in form answers as it would; the next attempt meets the middleware.
            with contextlib.suppress(Throttled):
                count_failed_sign_in(request)

        user_login_failed.connect(
            count_failure, dispatch_uid="partners-count-failed-sign-in", weak=False
        )
