from sifa.core.persons.models import Person
from sifa.core.testing import client_for


def test_demo_world_loaded(db):
    assert Person.objects.count() == 300


def test_person_list_page(db):
    response = client_for("county").get("/persons/")
    assert response.status_code == 200
    assert "人员库" in response.content.decode()
